package org.twofold.demo.model

import java.time.Clock
import java.time.LocalDate
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import org.twofold.core.AttendanceStatus
import org.twofold.core.ImportOutcome
import org.twofold.core.ImportReport
import org.twofold.core.Meeting
import org.twofold.core.MeetingFormat
import org.twofold.core.MeetingGuideFilter
import org.twofold.core.MeetingGuideImport
import org.twofold.core.MeetingKind
import org.twofold.core.Occurrence
import org.twofold.core.newItemId
import org.twofold.kit.Store
import org.twofold.kit.TwofoldError
import org.twofold.kit.coreDay
import org.twofold.kit.coreZone
import org.twofold.kit.schedule

/** A meeting as the add form edits it. */
data class MeetingDraft(
    val name: String = "",
    val kind: MeetingKind = MeetingKind.PEER_SUPPORT_GROUP,
    val format: MeetingFormat = MeetingFormat.IN_PERSON,
    val address: String = "",
    val conferenceUrl: String = "",
    /** `YYYY-MM-DDTHH:MM`, wall clock in [timeZone]. */
    val start: String = "",
    val timeZone: String = "",
    val durationMinutes: Int = 60,
    /** RRULE value (`FREQ=WEEKLY;BYDAY=TU`) or empty for a one-off appointment. */
    val rrule: String = "",
    val reminderMinutes: List<Int> = listOf(60),
) {
    fun toMeeting(id: String = newItemId()) = Meeting(
        id = id, name = name, kind = kind, format = format, address = address,
        conferenceUrl = conferenceUrl.ifBlank { null }, conferencePhone = null,
        start = start, timeZone = timeZone, durationMinutes = durationMinutes.toUInt(),
        rrule = rrule.ifBlank { null }, reminderOffsetsMinutes = reminderMinutes.map { it.toUInt() },
    )
}

/** A dry run of a Meeting Guide feed, and the entries the person ticked. */
data class FeedPreview(
    val bytes: ByteArray,
    val report: ImportReport,
    val chosen: Set<String>,
) {
    /** Entries that would be added or updated (skipped ones cannot be chosen). */
    val choosable get() = report.entries.filter { it.outcome !is ImportOutcome.Skipped }
}

/** An event for the phone's calendar app (an insert intent on Android). */
data class CalendarEvent(
    val title: String,
    val beginMs: Long,
    val endMs: Long,
    val location: String,
    val rrule: String?,
    val timeZone: String,
)

data class ScheduleState(
    val loaded: Boolean = false,
    val meetings: List<Meeting> = emptyList(),
    /** The next two weeks, in the phone's zone. */
    val upcoming: List<Occurrence> = emptyList(),
    val draft: MeetingDraft? = null,
    val fieldError: Pair<String, String>? = null,
    val preview: FeedPreview? = null,
    /** Why the last feed download failed (the core's refusals are [ScreenModel.problem]). */
    val feedFailure: FeedFailure? = null,
    val lastImport: ImportReport? = null,
)

/**
 * The schedule: meetings and appointments, adding one, importing a Meeting Guide feed (from
 * a URL or a file, previewed first, only the chosen entries), attendance, and export to the
 * calendar (one event, or the whole schedule as iCalendar).
 */
class ScheduleModel(
    private val store: Store,
    private val clock: Clock,
    private val fetcher: FeedFetcher,
    scope: CoroutineScope,
    /** A feed carries no reminders; newly imported meetings get this one (minutes before). */
    private val importedReminderMinutes: Int = 60,
) : ScreenModel(scope) {
    private val _state = MutableStateFlow(ScheduleState())
    val state: StateFlow<ScheduleState> = _state.asStateFlow()
    private val zone get() = clock.zone.coreZone()

    init {
        scope.launch {
            store.schedule().collect { doc ->
                val now = clock.millis()
                val upcoming = store.call { occurrencesBetween(now, now + TWO_WEEKS_MS, zone) }
                _state.update { it.copy(loaded = true, meetings = doc.meetings, upcoming = upcoming) }
            }
        }
    }

    fun startNew() = _state.update { it.copy(draft = MeetingDraft(timeZone = zone), fieldError = null) }

    fun edit(change: (MeetingDraft) -> MeetingDraft) = _state.update { s -> s.copy(draft = s.draft?.let(change)) }

    fun cancelEdit() = _state.update { it.copy(draft = null, fieldError = null) }

    fun save(): Job = act {
        val draft = _state.value.draft ?: return@act
        try {
            store.call { putMeeting(draft.toMeeting()) }
            _state.update { it.copy(draft = null, fieldError = null) }
        } catch (e: TwofoldError.InvalidInput) {
            _state.update { it.copy(fieldError = e.field.substringAfterLast('.') to e.reason) }
        }
    }

    fun markAttendance(o: Occurrence, status: AttendanceStatus): Job = act {
        store.call { markAttendance(o.meetingId, o.originalStart, status, "") }
    }

    // --- Meeting Guide ------------------------------------------------------------------

    /** Downloads the feed at [url] (the person typed it) and previews it. */
    fun previewFeedFromUrl(url: String, filter: MeetingGuideFilter = MeetingGuideFilter()): Job = act {
        _state.update { it.copy(feedFailure = null) }
        val bytes = try {
            fetcher.fetch(url)
        } catch (e: FeedFetchFailed) {
            _state.update { it.copy(feedFailure = e.failure) }
            return@act
        }
        previewFeed(bytes, filter)
    }

    /** Previews a feed file's bytes: nothing is written; every new entry is ticked. */
    fun previewFeedFromFile(bytes: ByteArray, filter: MeetingGuideFilter = MeetingGuideFilter()): Job = act {
        previewFeed(bytes, filter)
    }

    fun toggleFeedEntry(key: String) = _state.update { s ->
        val p = s.preview ?: return@update s
        s.copy(preview = p.copy(chosen = if (key in p.chosen) p.chosen - key else p.chosen + key))
    }

    /**
     * Imports the ticked entries only. A Meeting Guide feed has no reminders, so each newly
     * added meeting gets the app's default one — otherwise an imported meeting would never
     * remind anyone.
     */
    fun importChosen(): Job = act {
        val preview = _state.value.preview ?: return@act
        val report = store.call { importMeetingGuide(preview.bytes, options(previewFilter, preview.chosen.toList(), dryRun = false)) }
        val added = report.entries.filter { it.outcome is ImportOutcome.Added }.map { it.key }.toSet()
        for (meeting in store.call { listMeetings() }) {
            if (meeting.sourceSlug in added && meeting.reminderOffsetsMinutes.isEmpty()) {
                store.call { putMeeting(meeting.copy(reminderOffsetsMinutes = listOf(importedReminderMinutes.toUInt()))) }
            }
        }
        _state.update { it.copy(preview = null, lastImport = report) }
    }

    fun cancelPreview() = _state.update { it.copy(preview = null) }

    private var previewFilter = MeetingGuideFilter()

    private suspend fun previewFeed(bytes: ByteArray, filter: MeetingGuideFilter) {
        previewFilter = filter
        val report = store.call { importMeetingGuide(bytes, options(filter, null, dryRun = true)) }
        val chosen = report.entries.filter { it.outcome !is ImportOutcome.Skipped }.map { it.key }.toSet()
        _state.update { it.copy(preview = FeedPreview(bytes, report, chosen)) }
    }

    private fun options(filter: MeetingGuideFilter, choose: List<String>?, dryRun: Boolean) = MeetingGuideImport(
        filter = filter,
        choose = choose,
        defaultTimeZone = zone,
        today = LocalDate.now(clock).coreDay(),
        kind = MeetingKind.TWELVE_STEP,
        dryRun = dryRun,
    )

    // --- calendar -----------------------------------------------------------------------

    /** One meeting as a calendar event (its series rule included), from its next occurrence. */
    fun calendarEvent(o: Occurrence): CalendarEvent {
        val meeting = _state.value.meetings.firstOrNull { it.id == o.meetingId }
        return CalendarEvent(
            title = o.name,
            beginMs = o.startUtcMs,
            endMs = o.endUtcMs,
            location = o.address.ifBlank { o.conferenceUrl ?: "" },
            rrule = meeting?.rrule,
            timeZone = o.timeZone,
        )
    }

    /** The whole schedule as an iCalendar file, for "open with" a calendar app. */
    suspend fun exportIcalendar(): String = store.call { exportIcalendar(clock.millis()) }

    /** [exportIcalendar] for a button: [then] gets the file's text; a failure is [problem]. */
    fun exportIcalendar(then: (String) -> Unit): Job = act { then(exportIcalendar()) }

    companion object {
        private const val TWO_WEEKS_MS = 14L * 24 * 60 * 60 * 1000
    }
}
