//! Direct sync for foreign callers (ADR 0011): a [`DirectSession`] per store listens for its
//! paired devices or calls one, with no relay; address hints are the short code or QR payload
//! a device shows its peer.
//!
//! Sessions run on the bindings' runtime and keep the store's core alive: stop listening and
//! drop the session before closing the store.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use tokio::sync::Mutex as AsyncMutex;
use twofold_core::{DirectListener, DirectOptions, DirectSync, KeyId};

use crate::error::{guard, Result, TwofoldError};
use crate::model::direct::{AddressHint, DirectReport};
use crate::runtime::runtime;
use crate::store::TwofoldStore;

/// Direct sessions of one store.
#[derive(Debug, uniffi::Object)]
pub struct DirectSession {
    direct: Arc<DirectSync>,
}

/// Answers paired devices on one port until stopped (or dropped).
#[derive(Debug, uniffi::Object)]
pub struct DirectListening {
    port: u16,
    stop: tokio::task::AbortHandle,
    listener: AsyncMutex<DirectListener>,
}

fn invalid(field: &str, reason: impl ToString) -> TwofoldError {
    TwofoldError::InvalidInput {
        field: field.to_string(),
        reason: reason.to_string(),
    }
}

#[uniffi::export]
impl TwofoldStore {
    /// Direct sessions with this store's paired devices.
    pub fn direct_session(&self) -> Result<Arc<DirectSession>> {
        guard(|| {
            Ok(Arc::new(DirectSession {
                direct: DirectSync::new(self.core()?, DirectOptions::default()),
            }))
        })
    }
}

/// Reads an address code a paired device showed (typed or scanned).
#[uniffi::export]
pub fn decode_address_hint(code: String) -> Result<AddressHint> {
    guard(|| {
        let hint = twofold_core::AddressHint::decode(&code).map_err(|e| invalid("hint", e))?;
        Ok(AddressHint {
            port: hint.port,
            addresses: hint.addresses.iter().map(|a| a.to_string()).collect(),
        })
    })
}

/// The code (and QR payload) for `addresses` and `port`.
#[uniffi::export]
pub fn encode_address_hint(hint: AddressHint) -> Result<String> {
    guard(|| {
        let addresses = hint
            .addresses
            .iter()
            .map(|a| {
                a.parse::<IpAddr>()
                    .map_err(|_| invalid("addresses", "is not an IP address"))
            })
            .collect::<Result<Vec<_>>>()?;
        let hint =
            twofold_core::AddressHint::new(hint.port, addresses).map_err(|e| invalid("hint", e))?;
        Ok(hint.encode())
    })
}

#[uniffi::export]
impl DirectSession {
    /// Listens on `port` (0: any free one) on every interface, and answers every paired
    /// device that calls.
    pub async fn listen(&self, port: u16) -> Result<Arc<DirectListening>> {
        let direct = self.direct.clone();
        let task = runtime()?
            .spawn(async move { direct.listen(SocketAddr::from(([0, 0, 0, 0], port))).await });
        let listener = task.await.map_err(|_| TwofoldError::internal_failure())??;
        Ok(Arc::new(DirectListening {
            port: listener.local_addr().port(),
            stop: listener.stop_handle(),
            listener: AsyncMutex::new(listener),
        }))
    }

    /// One session with paired device `peer` at `address` (`ip:port`). A problem with the
    /// network or the other device is in the report (`interrupted`); only a failure of this
    /// phone's storage is an error.
    pub async fn connect(&self, address: String, peer: KeyId) -> Result<DirectReport> {
        let addr: SocketAddr = address
            .parse()
            .map_err(|_| invalid("address", "is not ip:port"))?;
        let direct = self.direct.clone();
        let task = runtime()?.spawn(async move { direct.connect_tcp(addr, &peer).await });
        Ok(task
            .await
            .map_err(|_| TwofoldError::internal_failure())??
            .into())
    }

    /// One session with `peer` at the addresses of an address code, tried in order until
    /// one answers.
    pub async fn connect_hint(&self, code: String, peer: KeyId) -> Result<DirectReport> {
        let hint = twofold_core::AddressHint::decode(&code).map_err(|e| invalid("hint", e))?;
        let direct = self.direct.clone();
        let task = runtime()?.spawn(async move {
            let mut last = twofold_core::DirectReport::default();
            for addr in hint.socket_addrs() {
                last = direct.connect_tcp(addr, &peer).await?;
                if last.interrupted != Some(twofold_core::DirectProblem::Unreachable) {
                    break;
                }
            }
            Ok::<_, twofold_core::Error>(last)
        });
        Ok(task
            .await
            .map_err(|_| TwofoldError::internal_failure())??
            .into())
    }
}

/// The DNS-SD service type a phone registers and browses to find a paired device on the local
/// network (`_http._tcp.local.`: the commonest there is, so it says nothing about the app).
#[uniffi::export]
pub fn discovery_service_type() -> String {
    twofold_core::DISCOVERY_SERVICE_TYPE.to_string()
}

#[uniffi::export]
impl DirectSession {
    /// The instance name this phone registers (Android `NsdManager`, Apple `NWListener`) for
    /// paired device `peer` to find it now: 20 hex digits only the two can compute, new every
    /// 15 minutes. Register it again when [`DirectSession::discovery_name`] changes.
    pub fn discovery_name(&self, peer: KeyId) -> Result<String> {
        guard(|| Ok(self.direct.store().discovery_name(&peer)?))
    }

    /// The names `peer` may be advertising now (this window's and its neighbours'): a
    /// browsed service whose instance name is one of these is that device; call it there.
    pub fn peer_discovery_names(&self, peer: KeyId) -> Result<Vec<String>> {
        guard(|| Ok(self.direct.store().peer_discovery_names(&peer)?))
    }
}

#[uniffi::export]
impl DirectListening {
    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The report of the next session it answered; `None` once stopped.
    pub async fn next_report(&self) -> Option<DirectReport> {
        let mut listener = self.listener.lock().await;
        listener.next_report().await.map(Into::into)
    }

    /// Stops listening; sessions under way end.
    pub fn stop(&self) {
        self.stop.abort();
    }
}
