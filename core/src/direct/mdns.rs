//! Advertising and finding a paired device by mDNS / DNS-SD, with the names of `discovery`
//! (`mdns` feature). The phones' apps use their platform's NSD / Bonjour with the same names
//! instead (raw multicast needs an entitlement on iOS and a multicast lock on Android); this
//! is the implementation for desktops and for the tests, which run it across two network
//! namespaces.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use mdns_sd::{ServiceDaemon, ServiceEvent, ServiceInfo};

use super::discovery::{window_of, SERVICE_TYPE, WINDOW_MS};
use super::{DirectProblem, DirectReport, DirectSync};
use crate::crypto::KeyId;
use crate::error::{Error, Result};

fn mdns_error(e: mdns_sd::Error) -> Error {
    Error::Io(std::io::Error::other(format!("mDNS: {e}")))
}

/// This device made findable by some paired devices; withdrawn (a goodbye packet) when
/// dropped.
pub struct Advertisement {
    daemon: ServiceDaemon,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for Advertisement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Advertisement").finish_non_exhaustive()
    }
}

impl Drop for Advertisement {
    fn drop(&mut self) {
        self.task.abort();
        // Shutting the daemon down unregisters every name it announced.
        let _ = self.daemon.shutdown();
    }
}

impl DirectSync {
    /// Advertises this device to `peers` on every local interface, at `port` (a
    /// [`DirectSync::listen`]er's), renamed each window, until the advertisement is dropped.
    pub async fn advertise(
        self: &Arc<Self>,
        port: u16,
        peers: Vec<KeyId>,
    ) -> Result<Advertisement> {
        let daemon = ServiceDaemon::new().map_err(mdns_error)?;
        let names_at = {
            let this = self.clone();
            move |now: i64| {
                let this = this.clone();
                let peers = peers.clone();
                async move {
                    this.engine(move |s| {
                        peers
                            .iter()
                            .map(|p| s.discovery_name_at(p, now))
                            .collect::<Result<Vec<_>>>()
                    })
                    .await
                }
            }
        };
        let register = move |daemon: &ServiceDaemon, names: &[String]| -> Result<Vec<String>> {
            names
                .iter()
                .map(|name| {
                    let info = ServiceInfo::new(
                        SERVICE_TYPE,
                        name,
                        &format!("{name}.local."),
                        (),
                        port,
                        None,
                    )
                    .map_err(mdns_error)?
                    .enable_addr_auto();
                    let full = info.get_fullname().to_string();
                    daemon.register(info).map_err(mdns_error)?;
                    Ok(full)
                })
                .collect()
        };
        // The first names are registered before this returns, so a caller can rely on them.
        let now = self.store().now_ms();
        let mut registered = register(&daemon, &names_at(now).await?)?;
        let mut window = window_of(now);
        let task = {
            let daemon = daemon.clone();
            let this = self.clone();
            tokio::spawn(async move {
                loop {
                    let next = (window + 1) * WINDOW_MS;
                    let wait = next.saturating_sub(this.store().now_ms()).max(1_000);
                    tokio::time::sleep(Duration::from_millis(wait as u64)).await;
                    let now = this.store().now_ms();
                    if window_of(now) == window {
                        continue;
                    }
                    window = window_of(now);
                    for full in registered.drain(..) {
                        let _ = daemon.unregister(&full);
                    }
                    match names_at(now).await.and_then(|n| register(&daemon, &n)) {
                        Ok(full) => registered = full,
                        Err(e) => tracing::warn!(error = %e, "re-advertising failed"),
                    }
                }
            })
        };
        Ok(Advertisement { daemon, task })
    }

    /// Looks for `peer` on the local network for up to `timeout`: the addresses its current
    /// name resolved to (empty when it was not found).
    pub async fn discover(&self, peer: &KeyId, timeout: Duration) -> Result<Vec<SocketAddr>> {
        let names: HashSet<String> = {
            let peer = *peer;
            self.engine(move |s| s.peer_discovery_names(&peer))
                .await?
                .into_iter()
                .collect()
        };
        let daemon = ServiceDaemon::new().map_err(mdns_error)?;
        let events = daemon.browse(SERVICE_TYPE).map_err(mdns_error)?;
        let found = tokio::time::timeout(timeout, async {
            while let Ok(event) = events.recv_async().await {
                let ServiceEvent::ServiceResolved(service) = event else {
                    continue;
                };
                let instance = service
                    .fullname
                    .strip_suffix(SERVICE_TYPE)
                    .and_then(|n| n.strip_suffix('.'))
                    .unwrap_or_default();
                if !names.contains(instance) {
                    continue;
                }
                let mut addrs: Vec<SocketAddr> = service
                    .addresses
                    .iter()
                    .map(|ip| SocketAddr::new(ip.to_ip_addr(), service.port))
                    .collect();
                // IPv4 first: a link-local IPv6 address needs its interface to be dialled.
                crate::sorting::sort_by_key(&mut addrs, |a| !a.is_ipv4());
                return addrs;
            }
            Vec::new()
        })
        .await
        .unwrap_or_default();
        let _ = daemon.shutdown();
        Ok(found)
    }

    /// Finds `peer` (for up to `timeout`) and runs a session with it at the first of its
    /// addresses that answers; `Unreachable` in the report when it was not found.
    pub async fn discover_and_connect(
        &self,
        peer: &KeyId,
        timeout: Duration,
    ) -> Result<DirectReport> {
        let mut last = DirectReport {
            interrupted: Some(DirectProblem::Unreachable),
            ..DirectReport::default()
        };
        for addr in self.discover(peer, timeout).await? {
            last = self.connect_tcp(addr, peer).await?;
            if last.interrupted != Some(DirectProblem::Unreachable) {
                break;
            }
        }
        Ok(last)
    }
}
