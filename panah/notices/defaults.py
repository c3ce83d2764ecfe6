"""The templates Panah ships, loaded by a data migration (version 1 of each, in force from 2000-01-01).

Kazakh and Russian are the official texts; Dari, Pashto and Arabic the person's own, right to left, shown
alongside. Each is a Django template over `panah.notices.services.VARIABLES`; an administrator changes
them in the admin (each change a new version).
"""

DECISION = {
    "kk": (
        "<h1>Шешім туралы хабарлама</h1>\n"
        "<p>{{ person_name }}, тіркеу нөмірі {{ registration_number }}.</p>\n"
        "<p>{{ decision_date }} «{{ case_kind }}» ісі бойынша шешім қабылданды: <strong>{{ decision }}</strong>."
        "{% if reference %} Шешімнің нөмірі: {{ reference }}.{% endif %}</p>\n"
        "<p>Құқықтық негіз: {{ legal_basis }}.</p>\n"
        "{% if appeal_deadline %}<p>Шешімге жоғары тұрған органға немесе сотқа <strong>{{ appeal_deadline }}</strong> "
        "қоса алғанда шағым жасауға болады ({{ appeal_basis }}).</p>{% endif %}\n"
        "<p>Шешім шығарған орган: {{ issuing_body }}. Лауазымды тұлға: {{ officer }}.</p>"
    ),
    "ru": (
        "<h1>Уведомление о решении</h1>\n"
        "<p>{{ person_name }}, регистрационный номер {{ registration_number }}.</p>\n"
        "<p>{{ decision_date }} по делу «{{ case_kind }}» принято решение: <strong>{{ decision }}</strong>."
        "{% if reference %} Номер решения: {{ reference }}.{% endif %}</p>\n"
        "<p>Правовое основание: {{ legal_basis }}.</p>\n"
        "{% if appeal_deadline %}<p>Решение может быть обжаловано в вышестоящий орган или в суд до "
        "<strong>{{ appeal_deadline }}</strong> включительно ({{ appeal_basis }}).</p>{% endif %}\n"
        "<p>Орган, принявший решение: {{ issuing_body }}. Должностное лицо: {{ officer }}.</p>"
    ),
    "prs": (
        "<h1>اطلاعیهٔ تصمیم</h1>\n"
        "<p>{% if outcome == 'granted' %}درخواست شما پذیرفته شد.{% elif outcome == 'refused' %}درخواست شما رد شد."
        "{% else %}در پروندهٔ شما تصمیم گرفته شد.{% endif %}</p>\n"
        "<p>تاریخ تصمیم: <bdi>{{ decision_date }}</bdi></p>\n"
        "{% if appeal_deadline %}<p>شما می‌توانید تا تاریخ <bdi>{{ appeal_deadline }}</bdi> به مرجع بالاتر یا دادگاه اعتراض کنید.</p>{% endif %}\n"
        "<p>مرجع صادرکننده: <bdi>{{ issuing_body }}</bdi></p>"
    ),
    "ps": (
        "<h1>د پرېکړې خبرتیا</h1>\n"
        "<p>{% if outcome == 'granted' %}ستاسو غوښتنه ومنل شوه.{% elif outcome == 'refused' %}ستاسو غوښتنه رد شوه."
        "{% else %}ستاسو په دوسیه کې پرېکړه وشوه.{% endif %}</p>\n"
        "<p>د پرېکړې نېټه: <bdi>{{ decision_date }}</bdi></p>\n"
        "{% if appeal_deadline %}<p>تاسو کولی شئ تر <bdi>{{ appeal_deadline }}</bdi> پورې لوړې ادارې یا محکمې ته اعتراض وکړئ.</p>{% endif %}\n"
        "<p>صادرونکې اداره: <bdi>{{ issuing_body }}</bdi></p>"
    ),
    "ar": (
        "<h1>إشعار بالقرار</h1>\n"
        "<p>{% if outcome == 'granted' %}تم قبول طلبك.{% elif outcome == 'refused' %}تم رفض طلبك."
        "{% else %}صدر قرار في ملفك.{% endif %}</p>\n"
        "<p>تاريخ القرار: <bdi>{{ decision_date }}</bdi></p>\n"
        "{% if appeal_deadline %}<p>يمكنك الطعن أمام الجهة الأعلى أو المحكمة حتى <bdi>{{ appeal_deadline }}</bdi>.</p>{% endif %}\n"
        "<p>الجهة المصدرة: <bdi>{{ issuing_body }}</bdi></p>"
    ),
}

REGISTRATION = {
    "kk": (
        "<h1>Тіркеу туралы куәлік</h1>\n"
        "<p>{{ person_name }} {{ registration_date }} тіркелді, тіркеу нөмірі <strong>{{ registration_number }}</strong>.</p>\n"
        "{% if legal_basis %}<p>Құқықтық негіз: {{ legal_basis }}.</p>{% endif %}\n"
        "<p>Тіркеген орган: {{ issuing_body }}. Лауазымды тұлға: {{ officer }}.</p>"
    ),
    "ru": (
        "<h1>Свидетельство о регистрации</h1>\n"
        "<p>{{ person_name }} зарегистрирован(а) {{ registration_date }}, регистрационный номер "
        "<strong>{{ registration_number }}</strong>.</p>\n"
        "{% if legal_basis %}<p>Правовое основание: {{ legal_basis }}.</p>{% endif %}\n"
        "<p>Зарегистрировавший орган: {{ issuing_body }}. Должностное лицо: {{ officer }}.</p>"
    ),
    "prs": (
        "<h1>گواهی ثبت</h1>\n"
        "<p>شما به تاریخ <bdi>{{ registration_date }}</bdi> با شمارهٔ <bdi>{{ registration_number }}</bdi> ثبت شده‌اید.</p>\n"
        "<p>مرجع ثبت: <bdi>{{ issuing_body }}</bdi></p>"
    ),
    "ps": (
        "<h1>د ثبت سند</h1>\n"
        "<p>تاسو په <bdi>{{ registration_date }}</bdi> نېټه د <bdi>{{ registration_number }}</bdi> شمېرې سره ثبت شوي یاست.</p>\n"
        "<p>ثبتوونکې اداره: <bdi>{{ issuing_body }}</bdi></p>"
    ),
    "ar": (
        "<h1>شهادة تسجيل</h1>\n"
        "<p>تم تسجيلك بتاريخ <bdi>{{ registration_date }}</bdi> برقم <bdi>{{ registration_number }}</bdi>.</p>\n"
        "<p>جهة التسجيل: <bdi>{{ issuing_body }}</bdi></p>"
    ),
}


def load(model: type) -> int:
    """Add version 1 of each shipped template that is missing. Returns how many were added."""
    import datetime as dt

    added = 0
    for kind, bodies in (("decision", DECISION), ("registration", REGISTRATION)):
        for language, body in bodies.items():
            _obj, created = model.objects.get_or_create(  # type: ignore[attr-defined]
                kind=kind, language=language, version=1, defaults={"body": body, "valid_from": dt.date(2000, 1, 1)}
            )
            added += created
    return added
