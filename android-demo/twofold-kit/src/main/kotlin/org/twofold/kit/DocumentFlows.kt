package org.twofold.kit

import java.time.LocalDate
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.map
import org.twofold.core.ContactsDocument
import org.twofold.core.DocumentKind
import org.twofold.core.DocumentSnapshot
import org.twofold.core.HomeScreen
import org.twofold.core.JournalDocument
import org.twofold.core.PlanDocument
import org.twofold.core.ScheduleDocument

// Cold flows over the core's listeners: the current value first, then one after each change
// (local edits, imports, a peer's changes arriving), until the collector is cancelled.

/** One of the person's own documents, whole. */
fun Store.document(kind: DocumentKind): Flow<DocumentSnapshot> = listenerFlow(openSubscriptions) { deliver ->
    raw.subscribeDocument(kind, documentListener(deliver))
}

fun Store.plan(): Flow<PlanDocument> =
    document(DocumentKind.PLAN).map { (it as DocumentSnapshot.Plan).plan }

fun Store.contacts(): Flow<ContactsDocument> =
    document(DocumentKind.CONTACTS).map { (it as DocumentSnapshot.Contacts).contacts }

fun Store.schedule(): Flow<ScheduleDocument> =
    document(DocumentKind.SCHEDULE).map { (it as DocumentSnapshot.Schedule).schedule }

fun Store.journal(): Flow<JournalDocument> =
    document(DocumentKind.JOURNAL).map { (it as DocumentSnapshot.Journal).journal }

/** The home screen for [today] (the person's local date); re-collect when the date changes. */
fun Store.homeScreen(today: LocalDate): Flow<HomeScreen> = listenerFlow(openSubscriptions) { deliver ->
    raw.subscribeHomeScreen(today.coreDay(), homeScreenListener(deliver))
}

/** A document someone shared with this device: their changes arriving, the share ending, … */
fun Store.sharedDocument(docId: String): Flow<DocumentSnapshot> = listenerFlow(openSubscriptions) { deliver ->
    raw.subscribeSharedDocument(docId, documentListener(deliver))
}
