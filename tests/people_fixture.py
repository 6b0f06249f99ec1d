"""The round table of 16 December 2019 in Bishkek entered as people, shared by the participant tests.

Registration sheet (Kyrgyz headers): 20 people. Of them 17 came (12 women, 5 men) and 3 did not (2 women,
1 man; one of them declined). The event was also given typed figures before the list existed (expected 25,
actual 30, women 20, men 10): once attendance is taken, the list wins.
A second event (a training in Osh, 2019-12-18, partner "UN Women") keeps typed figures only: 40 actual,
30 women, 10 men: it has no list at all.
"""

from __future__ import annotations

from pathlib import Path

from calendar_app import services
from calendar_app.app import App
from calendar_app.people import services as people
from events.drafts import NewEventDraft
from events.people.services import ParticipantChanges
from tests.conftest import NOW

WOMEN = ["Айгүл Токтосунова", "Нурия Осмонова", "Гүлнара Асанова", "Жылдыз Бекова", "Асель Маматова",
         "Чолпон Алиева", "Бермет Садыкова", "Динара Жумабаева", "Эльмира Турдубаева", "Назгүл Абдыкадырова",
         "Айжан Орозбаева", "Самара Каримова"]
MEN = ["Бакыт Асанов", "Талант Мамытов", "Эрлан Токтогулов", "Азамат Исаков", "Нурлан Сыдыков"]
ABSENT = [("Мээрим Усенова", "аял"), ("Канат Бообеков", "эркек"), ("Анара Шаршеева", "аял")]
DECLINED = "meerim@example.kg"

HEADER = "аты-жөнү,электрондук почта,уюм,жынысы,тил\n"


def email_of(index: int, prefix: str) -> str:
    return f"{prefix}{index:02d}@example.kg"


def sheet_text() -> str:
    lines = [HEADER]
    for i, name in enumerate(WOMEN):
        lines.append(f"{name},{email_of(i, 'w')},Бишкек шаардык кеңеши,аял,ky\n")
    for i, name in enumerate(MEN):
        lines.append(f"{name},{email_of(i, 'm')},\"ЖӨБ, Ош облусу\",эркек,ru\n")
    lines.append(f"{ABSENT[0][0]},{DECLINED},Швейцария элчилиги,аял,ky\n")
    lines.append(f"{ABSENT[1][0]},kanat@example.kg,,эркек,\n")
    lines.append(f"{ABSENT[2][0]},anara@example.kg,,аял,ky\n")
    return "".join(lines)


def build_round_table(app: App, tmp_path: Path) -> dict[str, int]:
    """Both events, the sheet imported into the round table, attendance taken; returns their ids."""
    round_table = services.add_event(NewEventDraft(
        title="Тегерек стол: гендердик сезимтал ыкмалар", kind="round_table", start="2019-12-16 10:00",
        duration="3h", region="bishkek", language="ky", status="held", visibility="public", participants=25,
        participants_actual=30, women=20, men=10, partners=["Швейцария элчилиги"],
        organizer="Долбоор <project@example.kg>"), app=app, now=NOW).view.id
    training = services.add_event(NewEventDraft(
        title="Тренинг: гендердик бюджет", kind="training", start="2019-12-18 09:00", duration="6h",
        region="osh-city", language="ky", status="held", participants_actual=40, women=30, men=10,
        partners=["UN Women"]), app=app, now=NOW).view.id
    sheet = tmp_path / "registration.csv"
    sheet.write_text(sheet_text(), encoding="utf-8")
    people.import_sheet(str(round_table), str(sheet), app=app, now=NOW)
    came = [email_of(i, "w") for i in range(len(WOMEN))] + [email_of(i, "m") for i in range(len(MEN))]
    for address in came:
        people.set_participant(str(round_table), address, ParticipantChanges(status="accepted", attended=True),
                               app=app, now=NOW)
    people.set_participant(str(round_table), DECLINED, ParticipantChanges(status="declined", absent=True),
                           app=app, now=NOW)
    people.set_participant(str(round_table), "kanat@example.kg", ParticipantChanges(absent=True), app=app, now=NOW)
    return {"round_table": round_table, "training": training}
