package org.twofold.kit

import org.twofold.core.TwofoldException

/**
 * What went wrong in a call to the core, by what the app can do about it. The generated
 * [TwofoldException] mapped to a hierarchy the app owns, so screens and tests match on these
 * types and never on generated names that change when the bindings are regenerated.
 *
 * Every text here is fixed or a field/item id chosen by the core — never the person's words —
 * so a [TwofoldError] may be logged.
 */
sealed class TwofoldError(message: String, cause: Throwable?) : Exception(message, cause) {
    /** An argument or field was refused; nothing was written. [field] is e.g. `triggers.description`. */
    class InvalidInput(val field: String, val reason: String, cause: Throwable? = null) :
        TwofoldError("invalid $field: $reason", cause)

    /** No item or document with this id. [what] is `item`, `document`, … */
    class NotFound(val what: String, val id: String, cause: Throwable? = null) :
        TwofoldError("$what $id was not found", cause)

    /** The key does not open this store; nothing was changed. Ask for the right key. */
    class WrongKey(cause: Throwable? = null) : TwofoldError("the key does not open this store", cause)

    /** The file was damaged and moved aside to [movedTo]; opening again starts an empty store. */
    class Corrupt(val movedTo: String, cause: Throwable? = null) :
        TwofoldError("the store file was damaged and moved aside", cause)

    /** The passphrase does not open this backup; nothing was changed. Ask for it again. */
    class WrongPassphrase(cause: Throwable? = null) :
        TwofoldError("the passphrase does not open this backup", cause)

    /** A newer app wrote this store; it was left untouched. */
    class NewerVersion(cause: Throwable? = null) :
        TwofoldError("the store was written by a newer version of the app", cause)

    /** An import was refused before anything was written. */
    class ImportRefused(val reason: String, cause: Throwable? = null) : TwofoldError("import refused: $reason", cause)

    /** The phone's storage failed (disk full, I/O); retrying later may help. */
    class Storage(val reason: String, cause: Throwable? = null) : TwofoldError("storage failure: $reason", cause)

    /** Not allowed for this device (read-only share, not paired); retrying will not help. */
    class NotAllowed(val reason: String, cause: Throwable? = null) : TwofoldError("not allowed: $reason", cause)

    /** The store has an app lock: ask for the PIN and open it with the PIN. Nothing was touched. */
    class Locked(cause: Throwable? = null) : TwofoldError("the store has an app lock", cause)

    /** The PIN does not open this store; the try was counted. The next try waits [waitMs] (0 while free). */
    class WrongPin(val waitMs: ULong, cause: Throwable? = null) :
        TwofoldError("the PIN does not open this store", cause)

    /** Too many wrong PINs: this try was refused unchecked. Try again at [untilMs], [waitMs] from now. */
    class LockedOut(val untilMs: Long, val waitMs: ULong, cause: Throwable? = null) :
        TwofoldError("too many wrong PINs; try again later", cause)

    /** The store was closed. */
    class Closed(cause: Throwable? = null) : TwofoldError("the store is closed", cause)

    /** A bug in the core (a contained panic); report it. */
    class Internal(val reason: String, cause: Throwable? = null) : TwofoldError("internal failure: $reason", cause)
}

/** The kit's error for a generated one; keeps the original as the cause. */
fun TwofoldException.toTwofoldError(): TwofoldError = when (this) {
    is TwofoldException.InvalidInput -> TwofoldError.InvalidInput(field, reason, this)
    is TwofoldException.NotFound -> TwofoldError.NotFound(what, id, this)
    is TwofoldException.WrongKey -> TwofoldError.WrongKey(this)
    is TwofoldException.Corrupt -> TwofoldError.Corrupt(movedTo, this)
    is TwofoldException.WrongPassphrase -> TwofoldError.WrongPassphrase(this)
    is TwofoldException.NewerVersion -> TwofoldError.NewerVersion(this)
    is TwofoldException.ImportRefused -> TwofoldError.ImportRefused(reason, this)
    is TwofoldException.Storage -> TwofoldError.Storage(reason, this)
    is TwofoldException.NotAllowed -> TwofoldError.NotAllowed(reason, this)
    is TwofoldException.Locked -> TwofoldError.Locked(this)
    is TwofoldException.WrongPin -> TwofoldError.WrongPin(waitMs, this)
    is TwofoldException.LockedOut -> TwofoldError.LockedOut(untilMs, waitMs, this)
    is TwofoldException.Closed -> TwofoldError.Closed(this)
    is TwofoldException.Internal -> TwofoldError.Internal(reason, this)
}

/**
 * Runs [block], turning a generated [TwofoldException] into a [TwofoldError]. Inline, so the
 * block may suspend when the caller does.
 */
inline fun <T> translating(block: () -> T): T =
    try {
        block()
    } catch (e: TwofoldException) {
        throw e.toTwofoldError()
    }
