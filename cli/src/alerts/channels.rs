//! Where notifications go: email over SMTP (lettre), signed webhooks (reqwest), and a JSON line
//! on stdout. Secrets come only from the environment:
//!
//! | variable | what |
//! |---|---|
//! | `SPICE_SMTP_HOST`, `SPICE_SMTP_PORT` | the SMTP server (default 127.0.0.1:25, or flags) |
//! | `SPICE_SMTP_TLS` | `none`, `starttls` (upgrade required) or `tls` (implicit, port 465) |
//! | `SPICE_SMTP_USER`, `SPICE_SMTP_PASSWORD` | SMTP auth (PLAIN/LOGIN), used when both are set |
//! | `SPICE_SMTP_FROM` | the sender address (default `spice-alerts@localhost`) |
//! | `SPICE_WEBHOOK_SECRET` | the HMAC-SHA256 key of the `X-Spice-Signature` header |
//!
//! A webhook receives the event's JSON with `X-Spice-Signature: sha256=<hex HMAC-SHA256 of the
//! body>` and `X-Spice-Delivery: <outbox id>` (the same id on every retry, so a receiver can
//! drop a duplicate); an email carries the id in its `Message-ID`.

use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use hmac::{Hmac, Mac};
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};
use sha2::Sha256;

use super::store::Event;
use super::Channel;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpTls {
    None,
    StartTls,
    Tls,
}

impl std::str::FromStr for SmtpTls {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "none" | "plain" => SmtpTls::None,
            "starttls" => SmtpTls::StartTls,
            "tls" | "smtps" => SmtpTls::Tls,
            other => bail!("SMTP TLS mode {other:?}: none, starttls or tls"),
        })
    }
}

#[derive(Clone, Debug)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub from: String,
    /// (user, password), both from the environment.
    pub credentials: Option<(String, String)>,
    pub timeout: Duration,
}

impl SmtpConfig {
    /// The environment's settings, then the flags' overrides (never a password from a flag).
    pub fn from_env(
        host: Option<&str>,
        port: Option<u16>,
        tls: Option<&str>,
        from: Option<&str>,
    ) -> Result<Self> {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let tls: SmtpTls = tls
            .map(str::to_string)
            .or_else(|| env("SPICE_SMTP_TLS"))
            .unwrap_or_else(|| "none".into())
            .parse()?;
        let port = match port {
            Some(p) => p,
            None => match env("SPICE_SMTP_PORT") {
                Some(p) => p
                    .parse()
                    .map_err(|_| anyhow!("SPICE_SMTP_PORT={p:?} is not a port"))?,
                None => match tls {
                    SmtpTls::None => 25,
                    SmtpTls::StartTls => 587,
                    SmtpTls::Tls => 465,
                },
            },
        };
        let from = from
            .map(str::to_string)
            .or_else(|| env("SPICE_SMTP_FROM"))
            .unwrap_or_else(|| "spice-alerts@localhost".into());
        from.parse::<lettre::Address>()
            .map_err(|e| anyhow!("sender address {from:?}: {e}"))?;
        let credentials = match (env("SPICE_SMTP_USER"), env("SPICE_SMTP_PASSWORD")) {
            (Some(u), Some(p)) => Some((u, p)),
            (None, None) => None,
            _ => bail!("set both SPICE_SMTP_USER and SPICE_SMTP_PASSWORD, or neither"),
        };
        Ok(SmtpConfig {
            host: host
                .map(str::to_string)
                .or_else(|| env("SPICE_SMTP_HOST"))
                .unwrap_or_else(|| "127.0.0.1".into()),
            port,
            tls,
            from,
            credentials,
            timeout: Duration::from_secs(10),
        })
    }

    fn transport(&self) -> Result<SmtpTransport> {
        let tls = match self.tls {
            SmtpTls::None => Tls::None,
            SmtpTls::StartTls => Tls::Required(TlsParameters::new(self.host.clone())?),
            SmtpTls::Tls => Tls::Wrapper(TlsParameters::new(self.host.clone())?),
        };
        let mut builder = SmtpTransport::builder_dangerous(&self.host)
            .port(self.port)
            .tls(tls)
            .timeout(Some(self.timeout));
        if let Some((user, password)) = &self.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(builder.build())
    }
}

#[derive(Clone, Debug)]
pub struct WebhookConfig {
    /// From `SPICE_WEBHOOK_SECRET`; a webhook without it is refused (unsigned posts are not
    /// sent).
    pub secret: Option<String>,
    pub timeout: Duration,
}

impl WebhookConfig {
    pub fn from_env() -> Self {
        WebhookConfig {
            secret: std::env::var("SPICE_WEBHOOK_SECRET")
                .ok()
                .filter(|s| !s.is_empty()),
            timeout: Duration::from_secs(10),
        }
    }
}

/// `sha256=<hex HMAC-SHA256(secret, body)>`.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Sends one delivery; `Ok` means the channel accepted it.
pub trait Sender {
    fn send(&mut self, channel: &Channel, delivery_id: i64, event: &Event) -> Result<()>;
}

/// The real channels.
pub struct Channels {
    pub smtp: SmtpConfig,
    pub webhook: WebhookConfig,
    runtime: tokio::runtime::Runtime,
    http: reqwest::Client,
}

impl Channels {
    pub fn new(smtp: SmtpConfig, webhook: WebhookConfig) -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("starting the webhook client's runtime")?;
        // The client's connector registers with the runtime it is built in.
        let _in_runtime = runtime.enter();
        let http = reqwest::Client::builder()
            .timeout(webhook.timeout)
            .build()
            .context("building the webhook client")?;
        Ok(Channels {
            smtp,
            webhook,
            runtime,
            http,
        })
    }

    fn email(&self, to: &str, delivery_id: i64, event: &Event) -> Result<()> {
        let message = email_message(&self.smtp.from, to, delivery_id, event)?;
        self.smtp
            .transport()?
            .send(&message)
            .with_context(|| format!("SMTP {}:{}", self.smtp.host, self.smtp.port))?;
        Ok(())
    }

    fn webhook(&self, url: &str, delivery_id: i64, event: &Event) -> Result<()> {
        let Some(secret) = &self.webhook.secret else {
            bail!("SPICE_WEBHOOK_SECRET is not set: webhooks are sent signed only");
        };
        let body = serde_json::to_vec(&webhook_body(delivery_id, event))?;
        let sig = signature(secret.as_bytes(), &body);
        // Built inside the runtime: the request's timeout is a timer of this runtime.
        let response = self.runtime.block_on(async {
            self.http
                .post(url)
                .header("content-type", "application/json")
                .header("x-spice-signature", sig)
                .header("x-spice-delivery", delivery_id.to_string())
                .body(body)
                .send()
                .await
        });
        let response = response.with_context(|| format!("POST {url}"))?;
        let status = response.status();
        if !status.is_success() {
            bail!("POST {url}: HTTP {status}");
        }
        Ok(())
    }
}

impl Sender for Channels {
    fn send(&mut self, channel: &Channel, delivery_id: i64, event: &Event) -> Result<()> {
        match channel {
            Channel::Email(to) => self.email(to, delivery_id, event),
            Channel::Webhook(url) => self.webhook(url, delivery_id, event),
            Channel::Log => {
                println!(
                    "{}",
                    serde_json::to_string(&webhook_body(delivery_id, event))?
                );
                Ok(())
            }
        }
    }
}

/// What a webhook (and the log) receives.
pub fn webhook_body(delivery_id: i64, event: &Event) -> serde_json::Value {
    serde_json::json!({
        "delivery_id": delivery_id,
        "event_id": event.id,
        "alert": { "id": event.rule_id, "name": event.rule_name },
        "subject": event.subject,
        "height": event.height,
        "fired_at_ms": event.fired_at_ms,
        "title": event.subject_line,
        "text": event.body,
        "details": event.payload,
    })
}

/// The alert's name leads the subject; the notes are in the body.
pub fn email_message(from: &str, to: &str, delivery_id: i64, event: &Event) -> Result<Message> {
    let host = from.rsplit('@').next().unwrap_or("localhost");
    Ok(Message::builder()
        .from(from.parse().map_err(|e| anyhow!("from {from:?}: {e}"))?)
        .to(to.parse().map_err(|e| anyhow!("to {to:?}: {e}"))?)
        .subject(&event.subject_line)
        .message_id(Some(format!("<spice-alert-{delivery_id}@{host}>")))
        .header(ContentType::TEXT_PLAIN)
        .body(event.body.clone())?)
}
