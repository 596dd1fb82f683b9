package org.twofold.kit

import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertIs
import kotlin.test.assertTrue
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import org.twofold.core.Domain
import org.twofold.core.DocumentKind
import org.twofold.core.Trigger
import org.twofold.core.TriggerKind
import org.twofold.core.TwofoldException
import org.twofold.core.newItemId

/** Errors reach the app as the kit's own typed exceptions, with the field or id kept. */
class ErrorsTest {
    @get:Rule
    val tmp = TemporaryFolder()

    @Test
    fun aRefusedFieldIsInvalidInputNamingTheFieldAndNothingIsWritten() = runBlocking {
        val store = openStore(tmp.root)
        val e = assertFailsWith<TwofoldError.InvalidInput> {
            store.call { putTrigger(Trigger(newItemId(), "   ", TriggerKind.INTERNAL, Domain.SUBSTANCE, "")) }
        }
        assertEquals("triggers.description", e.field)
        assertTrue(e.reason.isNotEmpty())
        assertIs<TwofoldException.InvalidInput>(e.cause, "the generated exception is kept as the cause")
        assertEquals(emptyList(), store.call { listTriggers() })

        val id = assertFailsWith<TwofoldError.InvalidInput> {
            store.call { putTrigger(Trigger("not an id!", "x", TriggerKind.INTERNAL, Domain.BOTH, "")) }
        }
        assertEquals("triggers.id", id.field)
        store.close()
    }

    @Test
    fun wrongKeyShortKeyNotFoundImportRefusedAndBadRelayAreEachTheirOwnType() = runBlocking {
        val key = randomKey()
        openStore(tmp.root, "a", key).use { it.call { putContact(contact("Alex")) } }

        assertFailsWith<TwofoldError.WrongKey> { openStore(tmp.root, "a", randomKey()) }
        val short = assertFailsWith<TwofoldError.InvalidInput> { Store.open(File(tmp.root, "a.db").path, ByteArray(16)) }
        assertEquals("key", short.field)

        val store = openStore(tmp.root, "a", key)
        assertEquals(listOf("Alex"), store.call { listContacts() }.map { it.name }, "a wrong key changed nothing")
        val missing = assertFailsWith<TwofoldError.NotFound> { store.call { getTrigger("no-such-trigger") } }
        assertEquals("no-such-trigger", missing.id)
        val refused = assertFailsWith<TwofoldError.ImportRefused> { store.call { importJson(DocumentKind.JOURNAL, "{ not json") } }
        assertTrue(refused.reason.isNotEmpty())
        val relay = assertFailsWith<TwofoldError.InvalidInput> { store.relay("not a url") }
        assertEquals("relay", relay.field)
        store.close()
    }

    @Test
    fun aClosedStoreFailsEveryCallAndEveryNewFlowWithClosed() = runBlocking {
        val store = openStore(tmp.root)
        store.close()
        assertTrue(store.isClosed)
        assertFailsWith<TwofoldError.Closed> { store.call { listContacts() } }
        assertFailsWith<TwofoldError.Closed> { store.plan().first() }
        assertEquals(0, store.activeSubscriptions)
    }
}
