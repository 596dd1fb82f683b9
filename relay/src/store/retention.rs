//! Dropping what a stream's owner no longer needs kept (ADR 0023): its records up to a point
//! every reader has passed, or the whole stream when its person forgets it. Only the owner
//! right may ask; it is claimed once, with the append token, by the device that made the
//! stream, before any grant names the stream.

use super::{Backend, CreateOutcome, Store, StoreError};
use crate::ids::{Id, TokenHash};

impl Store {
    /// Records `owner` as the stream's owner right unless another is recorded already.
    pub async fn claim_owner(&self, id: Id, owner: TokenHash) -> Result<CreateOutcome, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.claim_owner(id, owner).await,
            Backend::Nats(s) => s.claim_owner(id, owner).await,
        }
    }

    pub async fn stream_owner(&self, id: Id) -> Result<Option<TokenHash>, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.stream_owner(id).await,
            Backend::Nats(s) => s.stream_owner(id).await,
        }
    }

    /// Drops the stream's records at positions up to `through`; positions do not move.
    pub async fn trim_stream(&self, id: Id, through: u64) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.trim_stream(id, through).await,
            Backend::Nats(s) => s.trim_stream(id, through).await,
        }
    }

    /// Drops the stream, its token hashes and its owner right.
    pub async fn delete_stream(&self, id: Id) -> Result<(), StoreError> {
        self.cache().remove(&id);
        match &self.backend {
            Backend::Sqlite(s) => s.delete_stream(id).await?,
            Backend::Nats(s) => s.delete_stream(id).await?,
        }
        // A read racing the delete may have cached the token hashes again.
        self.cache().remove(&id);
        Ok(())
    }
}
