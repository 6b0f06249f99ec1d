"""A 16 Days 2025 programme with known totals, shared by the campaign tests.

Active events: 5 (one more is cancelled). Days with events: 24 Nov (lead-in) 1, 25 Nov 1, 26 Nov 2,
27 Nov 1, 28 Nov 1, 10 Dec 1; 29 Nov..9 Dec (11 days) are empty. Participants: expected 110, actual 160,
women 151, men 99, total 270. Regions reached 5 of 31; partners 3. Yearly (rolled) events: 4.
"""

from __future__ import annotations

from calendar_app import services
from calendar_app.app import App
from calendar_app.campaigns import services as campaign_services
from events.campaigns.links import CampaignLink
from events.drafts import NewEventDraft
from tests.conftest import NOW

THEME_EN = "UNiTE to End Digital Violence against All Women and Girls"
THEME_KY = "Биригели! Аялдарга жана кыздарга карата зордук-зомбулуктун алдын алууга колдоо көрсөтөлү"
LAUNCH = "Аялдарга жана кыздарга карата зорду-зомбулукка каршы 16 күндүк активдүүлүктүн улуттук ачылышы"


def build_programme(app: App) -> dict[str, int]:
    """The campaign, its 2025 edition and the events; returns event ids by short name."""
    campaign_services.add_campaign(None, name=None, window=None, color=None, preset="16-days", app=app)
    campaign_services.add_edition("16-days", 2025, [THEME_EN, f"ky:{THEME_KY}"], app=app, now=NOW)
    link = CampaignLink(campaign="16-days", yearly=True)
    drafts = {
        "launch": (NewEventDraft(title=LAUNCH, kind="launch", start="2025-11-24 10:00", duration="3h",
                                 region="bishkek", participants=80, women=50, men=30, language="ky",
                                 partners=["UN Women", "Ministry of Labour"]), link),
        "round_table": (NewEventDraft(title="Хүчирхийллийн эсрэг дугуй ширээний уулзалт", kind="round_table",
                                      start="2025-11-25 14:00", duration="2h", region="ulaanbaatar",
                                      participants_actual=40, women=25, men=15, partners=["UNFPA"]), link),
        "training": (NewEventDraft(title="Сургагч багш нарын сургалт", kind="training", start="2025-11-26",
                                   end="2025-11-28", all_day=True, region="khovd", participants=20,
                                   partners=["UNFPA"]), link),
        "march": (NewEventDraft(title="Жүрүш: зордук-зомбулуксуз жашоо", kind="campaign_day",
                                start="2025-11-26 11:00", duration="2h", region="osh-oblast",
                                participants_actual=120, women=70, men=50), CampaignLink(campaign="16-days")),
        "dropped": (NewEventDraft(title="Зөвшилцөх уулзалт", kind="consultation", start="2025-12-10 10:00",
                                  region="bayanzurkh", participants=15), link),
        "closing": (NewEventDraft(title="Human Rights Day meeting", kind="meeting", start="2025-12-10 14:00",
                                  region="naryn", participants=10, women=6, men=4), link),
    }
    ids = {}
    for name, (draft, event_link) in drafts.items():
        ids[name] = services.add_event(draft, event_link, app=app, now=NOW).view.id
    services.cancel_event(str(ids["dropped"]), "Яам хуралдааны товыг хойшлуулсан", app=app, now=NOW)
    return ids
