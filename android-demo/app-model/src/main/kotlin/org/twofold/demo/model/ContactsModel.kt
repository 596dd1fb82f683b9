package org.twofold.demo.model

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import org.twofold.core.Contact
import org.twofold.core.ContactRole
import org.twofold.core.ImportReport
import org.twofold.core.Phone
import org.twofold.core.newItemId
import org.twofold.kit.Store
import org.twofold.kit.TwofoldError
import org.twofold.kit.contacts

/** A contact as the form edits it: one phone number is what people enter nearly always. */
data class ContactDraft(
    val id: String = newItemId(),
    val name: String = "",
    val roles: Set<ContactRole> = emptySet(),
    val phone: String = "",
    val email: String = "",
    val availability: String = "",
    val notes: String = "",
    val crisisOrder: Int? = null,
    val doNotInvolve: Boolean = false,
    /** Numbers beyond the first, kept as they are. */
    val otherPhones: List<Phone> = emptyList(),
) {
    fun toContact() = Contact(
        id = id,
        name = name,
        roles = roles.toList(),
        phones = listOfNotNull(phone.takeIf { it.isNotBlank() }?.let { Phone(label = "", number = it) }) + otherPhones,
        email = email.ifBlank { null },
        availability = availability,
        notes = notes,
        crisisOrder = crisisOrder?.toUInt(),
        doNotInvolve = doNotInvolve,
    )

    companion object {
        fun of(c: Contact) = ContactDraft(
            id = c.id, name = c.name, roles = c.roles.toSet(), phone = c.phones.firstOrNull()?.number ?: "",
            email = c.email ?: "", availability = c.availability, notes = c.notes,
            crisisOrder = c.crisisOrder?.toInt(), doNotInvolve = c.doNotInvolve, otherPhones = c.phones.drop(1),
        )
    }
}

data class ContactsState(
    val loaded: Boolean = false,
    val contacts: List<Contact> = emptyList(),
    val editing: ContactDraft? = null,
    /** The refused field (`name`, `number`, `email`…) and why. */
    val fieldError: Pair<String, String>? = null,
    val lastImport: ImportReport? = null,
)

/** The support network: list, add and edit, import a vCard file, export all as vCard. */
class ContactsModel(private val store: Store, scope: CoroutineScope) : ScreenModel(scope) {
    private val _state = MutableStateFlow(ContactsState())
    val state: StateFlow<ContactsState> = _state.asStateFlow()

    init {
        scope.launch {
            store.contacts().collect { doc -> _state.update { it.copy(loaded = true, contacts = doc.contacts) } }
        }
    }

    fun startNew() = _state.update { it.copy(editing = ContactDraft(), fieldError = null) }

    fun startEdit(contact: Contact) = _state.update { it.copy(editing = ContactDraft.of(contact), fieldError = null) }

    fun edit(change: (ContactDraft) -> ContactDraft) = _state.update { s -> s.copy(editing = s.editing?.let(change)) }

    fun cancelEdit() = _state.update { it.copy(editing = null, fieldError = null) }

    fun save(): Job = act {
        val draft = _state.value.editing ?: return@act
        try {
            store.call { putContact(draft.toContact()) }
            _state.update { it.copy(editing = null, fieldError = null) }
        } catch (e: TwofoldError.InvalidInput) {
            _state.update { it.copy(fieldError = e.field.substringAfterLast('.') to e.reason) }
        }
    }

    /** Refused while the plan still points at the contact (a field error on `id`). */
    fun remove(id: String): Job = act { store.call { removeItem(org.twofold.core.SectionName.CONTACTS, id) } }

    /** A .vcf file's bytes (from the system file picker or a share). */
    fun importVcard(bytes: ByteArray): Job = act {
        val report = store.call { importVcard(bytes) }
        _state.update { it.copy(lastImport = report) }
    }

    suspend fun exportVcard(): String = store.call { exportVcard() }

    /** [exportVcard] for a button: [then] gets the file's text; a failure is [problem]. */
    fun exportVcard(then: (String) -> Unit): Job = act { then(exportVcard()) }
}
