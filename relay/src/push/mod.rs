//! Push wake-ups: a device registers an opaque push token for the streams it reads; when an
//! envelope lands on one of them and the device holds no live follow, the relay asks a
//! configured push gateway to wake it — with nothing in the request but the token. The phone
//! wakes, syncs, and decides what to show (ADR 0013).

mod gateway;
mod record;
mod request;
mod waker;

pub use gateway::{Gateway, GatewayError, Gateways, HttpGateway, Wake};
pub use record::Registration;
pub use request::{RegisterRequest, BODY_MAX};
pub use waker::{LiveClaim, Waker};
