"""The fixed texts of invitations and RSVP pages in mn, ky, ru and en (the event's own texts are never
translated). Keys are the same in every language; `texts(language)` falls back to English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "invitation": "Invitation: {title}", "invitation_update": "Updated invitation: {title}",
        "withdrawn": "Invitation withdrawn: {title}", "rsvp_nudge": "Please answer: {title}",
        "invited_note": "You are invited to this event. Your role: {role}.",
        "update_note": "Something about this event has changed; the details below are the current ones.",
        "withdrawn_note": "You are no longer on the list of participants of this event. Please remove it from "
                          "your calendar.",
        "nudge_note": "We have not had your answer yet. Please tell us whether you will come.",
        "answer_prompt": "Will you come? Answer with one click (no account needed):",
        "rsvp_by": "Please answer by {when}.",
        "accepted": "Yes, I will come", "tentative": "Maybe", "declined": "No, I cannot come",
        "chair": "chair", "required": "participant", "optional": "optional participant", "observer": "observer",
        "page_title": "Your answer: {title}", "when": "When", "where": "Where", "organiser": "Organiser",
        "your_answer": "Your answer", "comment": "Comment (optional)", "send": "Send my answer",
        "hello": "Hello {name},", "thanks_title": "Thank you",
        "thanks": "Your answer is recorded: {answer}. You can change it with the same link until the event ends.",
        "bad_form": "This form has expired. Please open the link from the invitation again.",
    },
    "ru": {
        "invitation": "Приглашение: {title}", "invitation_update": "Изменения в приглашении: {title}",
        "withdrawn": "Приглашение отозвано: {title}", "rsvp_nudge": "Пожалуйста, ответьте: {title}",
        "invited_note": "Вы приглашены на это мероприятие. Ваша роль: {role}.",
        "update_note": "В мероприятии произошли изменения; ниже — актуальные сведения.",
        "withdrawn_note": "Вас больше нет в списке участников этого мероприятия. Пожалуйста, удалите его из "
                          "своего календаря.",
        "nudge_note": "Мы ещё не получили вашего ответа. Пожалуйста, сообщите, придёте ли вы.",
        "answer_prompt": "Вы придёте? Ответьте одним нажатием (регистрация не нужна):",
        "rsvp_by": "Пожалуйста, ответьте до {when}.",
        "accepted": "Да, приду", "tentative": "Возможно", "declined": "Нет, не смогу",
        "chair": "председатель", "required": "участник", "optional": "участник по желанию",
        "observer": "наблюдатель",
        "page_title": "Ваш ответ: {title}", "when": "Когда", "where": "Где", "organiser": "Организатор",
        "your_answer": "Ваш ответ", "comment": "Комментарий (необязательно)", "send": "Отправить ответ",
        "hello": "Здравствуйте, {name}!", "thanks_title": "Спасибо",
        "thanks": "Ваш ответ записан: {answer}. Его можно изменить по той же ссылке до окончания мероприятия.",
        "bad_form": "Срок действия формы истёк. Откройте ссылку из приглашения ещё раз.",
    },
    "mn": {
        "invitation": "Урилга: {title}", "invitation_update": "Урилгад өөрчлөлт орлоо: {title}",
        "withdrawn": "Урилгыг цуцаллаа: {title}", "rsvp_nudge": "Хариугаа өгнө үү: {title}",
        "invited_note": "Таныг энэ арга хэмжээнд урьж байна. Таны үүрэг: {role}.",
        "update_note": "Арга хэмжээнд өөрчлөлт орсон; доорх мэдээлэл шинэчлэгдсэн.",
        "withdrawn_note": "Та энэ арга хэмжээний оролцогчдын жагсаалтад байхаа больсон. Хуанлиасаа устгана уу.",
        "nudge_note": "Бид таны хариуг хараахан аваагүй байна. Ирэх эсэхээ мэдэгдэнэ үү.",
        "answer_prompt": "Та ирэх үү? Нэг товшилтоор хариулна уу (бүртгэл шаардлагагүй):",
        "rsvp_by": "Хариугаа {when}-с өмнө өгнө үү.",
        "accepted": "Тийм, ирнэ", "tentative": "Магадгүй", "declined": "Үгүй, ирж чадахгүй",
        "chair": "даргалагч", "required": "оролцогч", "optional": "сонгон оролцогч", "observer": "ажиглагч",
        "page_title": "Таны хариу: {title}", "when": "Хэзээ", "where": "Хаана", "organiser": "Зохион байгуулагч",
        "your_answer": "Таны хариу", "comment": "Тайлбар (заавал биш)", "send": "Хариугаа илгээх",
        "hello": "Сайн байна уу, {name}.", "thanks_title": "Баярлалаа",
        "thanks": "Таны хариуг бүртгэлээ: {answer}. Арга хэмжээ дуустал ижил холбоосоор өөрчилж болно.",
        "bad_form": "Энэ маягтын хугацаа дууссан. Урилга дахь холбоосыг дахин нээнэ үү.",
    },
    "ky": {
        "invitation": "Чакыруу: {title}", "invitation_update": "Чакырууга өзгөртүү киргизилди: {title}",
        "withdrawn": "Чакыруу кайтарылып алынды: {title}", "rsvp_nudge": "Сураныч, жооп бериңиз: {title}",
        "invited_note": "Сиз бул иш-чарага чакырылдыңыз. Ролуңуз: {role}.",
        "update_note": "Иш-чарада өзгөрүүлөр болду; төмөндө жаңыланган маалымат.",
        "withdrawn_note": "Сиз бул иш-чаранын катышуучуларынын тизмесинде жоксуз. Аны календарыңыздан өчүрүп "
                          "салыңыз.",
        "nudge_note": "Биз сиздин жообуңузду азырынча ала элекпиз. Келе турганыңызды билдириңиз.",
        "answer_prompt": "Келесизби? Бир басуу менен жооп бериңиз (каттоонун кереги жок):",
        "rsvp_by": "Сураныч, {when} чейин жооп бериңиз.",
        "accepted": "Ооба, келем", "tentative": "Балким", "declined": "Жок, келе албайм",
        "chair": "төрага", "required": "катышуучу", "optional": "каалоосу боюнча катышуучу", "observer": "байкоочу",
        "page_title": "Сиздин жообуңуз: {title}", "when": "Качан", "where": "Кайда", "organiser": "Уюштуруучу",
        "your_answer": "Сиздин жообуңуз", "comment": "Пикир (милдеттүү эмес)", "send": "Жоопту жөнөтүү",
        "hello": "Саламатсызбы, {name}!", "thanks_title": "Рахмат",
        "thanks": "Жообуңуз катталды: {answer}. Иш-чара бүткөнгө чейин ошол эле шилтеме менен өзгөртө аласыз.",
        "bad_form": "Бул форманын мөөнөтү бүттү. Чакыруудагы шилтемени кайра ачыңыз.",
    },
}


def texts(language: str | None) -> dict[str, str]:
    return TEXTS.get(language or "en", TEXTS["en"])
