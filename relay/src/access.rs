//! The order every request that presents a token goes through: the client address's budget of
//! failed authentications first, then the token's check against the store, and only for a token
//! that proved right its own rate bucket. So a flood of made-up tokens is cut off per address
//! after a burst, and creates no per-token state at all.
//! Also the per-address daily storage allowance charged by every request that stores bytes.

use std::future::Future;
use std::net::IpAddr;

use crate::error::RelayError;
use crate::ids::TokenHash;
use crate::limits::ClientKey;
use crate::server::AppState;

/// Runs `check` for a presented `token` (`None`: missing or malformed) from `ip`. A `NotFound`
/// from the check, or no token, counts as one failure of the address.
pub async fn authenticate<F, Fut>(
    state: &AppState,
    ip: IpAddr,
    token: Option<TokenHash>,
    check: F,
) -> Result<TokenHash, RelayError>
where
    F: FnOnce(TokenHash) -> Fut,
    Fut: Future<Output = Result<(), RelayError>>,
{
    let client = ClientKey::of(ip);
    state.auth_failures.admit(client)?;
    let Some(token) = token else {
        state.auth_failures.failed(client);
        return Err(RelayError::NotFound);
    };
    match check(token).await {
        Ok(()) => {}
        Err(RelayError::NotFound) => {
            state.auth_failures.failed(client);
            return Err(RelayError::NotFound);
        }
        Err(other) => return Err(other),
    }
    state.per_token.check(token)?;
    Ok(token)
}

/// Charges `bytes` about to be stored to `ip`'s allowance for the day, or refuses with
/// `quota_exceeded`. A retried duplicate is charged too: it costs the relay a request and a
/// lookup, and honest clients retry rarely.
pub fn charge_storage(state: &AppState, ip: IpAddr, bytes: usize) -> Result<(), RelayError> {
    state
        .bytes_per_ip
        .charge(ClientKey::of(ip), bytes as u64)
        .map_err(|_| RelayError::QuotaExceeded {
            what: "this address has stored its allowance for the day",
            storage_full: false,
        })
}

/// A per-address request budget (`--ip-rate`, `--ip-burst`).
pub fn per_address(state: &AppState, ip: IpAddr) -> Result<(), RelayError> {
    state.per_ip.check(ClientKey::of(ip))
}

/// A new stream or push registration from `ip` (`--streams-per-ip-per-hour`).
pub fn new_stream(state: &AppState, ip: IpAddr) -> Result<(), RelayError> {
    state
        .creates_per_ip
        .charge(ClientKey::of(ip), 1)
        .map_err(|spent| RelayError::RateLimited {
            retry_after_secs: spent.retry_after.as_secs().max(1),
        })
}
