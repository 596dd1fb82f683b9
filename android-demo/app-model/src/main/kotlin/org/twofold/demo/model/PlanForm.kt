package org.twofold.demo.model

/**
 * An item of the plan as an editable form: a list of fields the Compose editor lays out one
 * by one, without knowing which section it edits. Field keys are the core's field names
 * (`description`, `action_plan`), so a refusal naming `triggers.action_plan` lands under the
 * right field.
 */
sealed interface FormField {
    val key: String

    data class Text(override val key: String, val value: String, val multiline: Boolean = false) : FormField

    /** One of a fixed set, by the generated enum constant's name (`SUBSTANCE`, `MUST_DO`). */
    data class Choice(override val key: String, val value: String, val options: List<String>) : FormField

    data class Flag(override val key: String, val value: Boolean) : FormField

    /** A whole number from [min] to [max] (days before an expiry to remind). */
    data class Number(override val key: String, val value: Int, val min: Int, val max: Int) : FormField

    /** `YYYY-MM-DD`, or empty for none. */
    data class Day(override val key: String, val value: String) : FormField

    /** A reference to another item: a contact or a goal, picked from [source]. */
    data class Pick(override val key: String, val value: String?, val source: PickSource, val optional: Boolean) : FormField
}

enum class PickSource { CONTACTS, GOALS }

data class PlanItemForm(
    val section: PlanSection,
    val id: String,
    val isNew: Boolean,
    val fields: List<FormField>,
    /** The field the core refused, by key, with its reason. */
    val errors: Map<String, String> = emptyMap(),
) {
    fun with(key: String, value: Any?): PlanItemForm = copy(
        fields = fields.map { f ->
            if (f.key != key) f else when (f) {
                is FormField.Text -> f.copy(value = value as String)
                is FormField.Choice -> f.copy(value = value as String)
                is FormField.Flag -> f.copy(value = value as Boolean)
                is FormField.Number -> f.copy(value = value as Int)
                is FormField.Day -> f.copy(value = value as String)
                is FormField.Pick -> f.copy(value = value as String?)
            }
        },
        errors = errors - key,
    )

    internal fun text(key: String) = (field(key) as FormField.Text).value
    internal fun choice(key: String) = (field(key) as FormField.Choice).value
    internal fun flag(key: String) = (field(key) as FormField.Flag).value
    internal fun number(key: String) = (field(key) as FormField.Number).value
    internal fun day(key: String) = (field(key) as FormField.Day).value.ifBlank { null }
    internal fun pick(key: String) = (field(key) as FormField.Pick).value
    private fun field(key: String) = fields.first { it.key == key }
}

/** The options of a generated enum, by name. */
internal inline fun <reified E : Enum<E>> options(): List<String> = enumValues<E>().map { it.name }
