"""Built-in campaigns (`campaign add --preset NAME`): yearly days the programmes of our users follow.

Sources for the dates: UN General Assembly resolution 54/134 (25 November, International Day for the
Elimination of Violence against Women) and 423 (V) (10 December, Human Rights Day) bound the 16 Days of
Activism, as the UN Women UNiTE campaign describes them; 8 March is the UN's International Women's Day;
1 June is International Children's Day, a public holiday in Mongolia; 30 April is the International Day to
End Corporal Punishment of Children (observed since 1998, "SpankOut Day"), the yearly campaign day of the
child-protection project in shared/domain/002.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    slug: str
    name: str
    window: str
    color: str
    description: str


PRESETS: dict[str, Preset] = {
    p.slug: p
    for p in (
        Preset("16-days", "16 Days of Activism against Gender-Based Violence", "11-25..12-10", "#F26B21",
               "From the International Day for the Elimination of Violence against Women (25 November) to "
               "Human Rights Day (10 December); a new theme every year."),
        Preset("end-corporal-punishment", "International Day to End Corporal Punishment of Children",
               "04-30..04-30", "#2E86AB", "30 April: campaign day against corporal punishment of children."),
        Preset("womens-day", "International Women's Day", "03-08..03-08", "#7B2D8B",
               "8 March, International Women's Day."),
        Preset("childrens-day", "International Children's Day", "06-01..06-01", "#3A9D23",
               "1 June, International Children's Day."),
    )
}
