//! Push gateways: the interface the relay wakes phones through, and its HTTP implementation in
//! the shape of a Matrix push gateway (`POST /_matrix/push/v1/notify`). The request carries the
//! device's app id and push token and a priority — no sender, room, event, text or count — so
//! the gateway and the platform's push service learn only "wake this phone".

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::FutureExt;

use super::request::valid_gateway_name;
use crate::error::StartError;

/// A gateway that does not answer in this time is given up on; the next envelope tries again.
const GATEWAY_TIMEOUT: Duration = Duration::from_secs(5);
/// A gateway's answer is small JSON; nothing larger is read.
const ANSWER_MAX: usize = 64 * 1024;

/// One wake-up: which phone, nothing else.
#[derive(Clone)]
pub struct Wake {
    pub app_id: String,
    pub pushkey: String,
}

impl std::fmt::Debug for Wake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wake")
            .field("app_id", &self.app_id)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// The gateway says this push token is no longer valid (Matrix's `rejected`).
    #[error("the gateway rejected the push token")]
    Rejected,
    #[error("the gateway could not be reached or failed")]
    Unreachable,
}

/// Something that can wake a phone.
pub trait Gateway: Send + Sync + std::fmt::Debug {
    fn notify(&self, wake: Wake) -> BoxFuture<'_, Result<(), GatewayError>>;
}

/// A Matrix-push-gateway-shaped HTTP endpoint (Sygnal, or the project's own).
#[derive(Debug)]
pub struct HttpGateway {
    url: reqwest::Url,
    http: reqwest::Client,
}

impl HttpGateway {
    /// `base` is the gateway's root; the notify path is appended.
    pub fn new(base: &str) -> Result<Self, String> {
        let mut url = reqwest::Url::parse(base).map_err(|_| "not a URL".to_owned())?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err("must be an http or https URL".into());
        }
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        let url = url
            .join("_matrix/push/v1/notify")
            .map_err(|_| "cannot form the notify URL".to_owned())?;
        let http = reqwest::Client::builder()
            .timeout(GATEWAY_TIMEOUT)
            // Only the configured URL is ever called: a redirect could point anywhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|_| "could not set up the HTTP client".to_owned())?;
        Ok(HttpGateway { url, http })
    }

    /// The whole request body. `prio` is always high: the relay cannot tell an urgent envelope
    /// from another (it must not; ADR 0013), and a low-priority push may wait for hours.
    pub fn body(wake: &Wake) -> Vec<u8> {
        serde_json::json!({
            "notification": {
                "devices": [{ "app_id": wake.app_id, "pushkey": wake.pushkey }],
                "prio": "high",
            }
        })
        .to_string()
        .into_bytes()
    }
}

impl Gateway for HttpGateway {
    fn notify(&self, wake: Wake) -> BoxFuture<'_, Result<(), GatewayError>> {
        async move {
            let response = self
                .http
                .post(self.url.clone())
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(Self::body(&wake))
                .send()
                .await
                .map_err(|_| GatewayError::Unreachable)?;
            if !response.status().is_success() {
                return Err(GatewayError::Unreachable);
            }
            if response
                .content_length()
                .is_some_and(|n| n > ANSWER_MAX as u64)
            {
                return Ok(());
            }
            let answer = response
                .bytes()
                .await
                .map_err(|_| GatewayError::Unreachable)?;
            let rejected = serde_json::from_slice::<serde_json::Value>(&answer)
                .ok()
                .and_then(|v| v.get("rejected").and_then(|r| r.as_array().cloned()))
                .is_some_and(|keys| keys.iter().any(|k| k.as_str() == Some(&wake.pushkey)));
            if rejected {
                Err(GatewayError::Rejected)
            } else {
                Ok(())
            }
        }
        .boxed()
    }
}

/// The gateways this relay may call, by name (the app id a device registers with).
#[derive(Debug, Clone, Default)]
pub struct Gateways(HashMap<String, Arc<dyn Gateway>>);

impl Gateways {
    /// From `--push-gateway APP_ID=URL` flags.
    pub fn from_config(entries: &[String]) -> Result<Self, StartError> {
        let mut gateways = Gateways::default();
        for entry in entries {
            let bad = |why: &str| StartError::Config(format!("--push-gateway: {why}"));
            let (name, url) = entry
                .split_once('=')
                .ok_or_else(|| bad("expected APP_ID=URL"))?;
            if !valid_gateway_name(name) {
                return Err(bad("APP_ID is 1-128 letters, digits, '.', '_' or '-'"));
            }
            let gateway = HttpGateway::new(url).map_err(|why| bad(&why))?;
            gateways.insert(name, Arc::new(gateway));
        }
        Ok(gateways)
    }

    pub fn insert(&mut self, name: &str, gateway: Arc<dyn Gateway>) {
        self.0.insert(name.to_owned(), gateway);
    }

    pub fn get(&self, name: &str) -> Option<&Arc<dyn Gateway>> {
        self.0.get(name)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_holds_the_device_and_nothing_else() {
        let body = HttpGateway::body(&Wake {
            app_id: "org.twofold.app".into(),
            pushkey: "pk".into(),
        });
        let value: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(
            value,
            serde_json::json!({"notification": {
                "devices": [{"app_id": "org.twofold.app", "pushkey": "pk"}],
                "prio": "high"
            }})
        );
    }

    #[test]
    fn gateways_are_configured_as_app_id_equals_url() {
        let ok = Gateways::from_config(&["org.twofold.app=http://127.0.0.1:9/push".into()])
            .expect("valid");
        assert!(ok.get("org.twofold.app").is_some());
        for bad in ["no-equals", "a b=http://x", "g=ftp://x", "g=not a url"] {
            assert!(Gateways::from_config(&[bad.into()]).is_err(), "{bad}");
        }
    }
}
