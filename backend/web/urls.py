"""The URLs of the web pages, in Dutch as the people who use them read them."""

from django.urls import include, path

from backend.web import (
    conflict_pages,
    documents,
    followup,
    keys,
    minutes,
    notifications,
    planning,
    signin,
    views,
)

app_name = "web"

# The pages of one item, and of one meeting, under its address.
item_pages = [
    path("", views.item_detail, name="item"),
    path("bewerken/", views.item_edit, name="item-edit"),
    path("bijlagen/", views.attachment_upload, name="attachment-upload"),
    path("bijlagen/<int:attachment>/", views.attachment_download, name="attachment"),
    path(
        "bijlagen/<int:attachment>/verwijderen/", views.attachment_delete, name="attachment-delete"
    ),
    path("acties/nieuw/", followup.action_new, name="action-new"),
    path("uittreksels.zip", views.excerpts_download, name="excerpts"),
    path("uittreksels/<int:municipality>/", views.excerpt_download, name="excerpt"),
]
meeting_pages = [
    path("", views.meeting_detail, name="meeting"),
    path("bewerken/", planning.meeting_edit, name="meeting-edit"),
    path("agenda/", views.meeting_agenda, name="agenda"),
    path("secretaris/", views.meeting_secretary, name="meeting-secretary"),
    path("aanwezigheid/", views.meeting_attendance, name="attendance"),
    path("punten/<int:entry>/bespreking/", minutes.entry_note, name="entry-note"),
    path(
        "punten/<int:entry>/belangenconflicten/",
        conflict_pages.entry_conflict_add,
        name="entry-conflicts",
    ),
    path(
        "punten/<int:entry>/belangenconflicten/<int:person>/verwijderen/",
        conflict_pages.entry_conflict_remove,
        name="entry-conflict-remove",
    ),
    path(
        "documenten/<int:document>/ondertekenen/",
        documents.document_sign_view,
        name="document-sign",
    ),
]
sign_in_pages = [
    path("", signin.sign_in_view, name="sign-in"),
    path("code/", signin.sign_in_code, name="sign-in-code"),
    path("instellen/", signin.sign_in_enrol, name="sign-in-enrol"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("aanmelden/", include(sign_in_pages)),
    path("tweestapsverificatie/", signin.second_factor_page, name="second-factor"),
    path("afmelden/", signin.sign_out_view, name="sign-out"),
    path("api-sleutels/", keys.api_keys, name="api-keys"),
    path("api-sleutels/<int:pk>/intrekken/", keys.api_key_revoke, name="api-key-revoke"),
    path("api-sleutels/alle-intrekken/", keys.api_keys_revoke_all, name="api-keys-revoke-all"),
    path("punten/", views.item_list, name="items"),
    path("punten/nieuw/", views.item_new, name="item-new"),
    path("punten/<int:pk>/", include(item_pages)),
    path("acties/<int:pk>/notities/", followup.action_note, name="action-note"),
    path("vergaderingen/", views.meeting_list, name="meetings"),
    path("vergaderingen/nieuw/", planning.meeting_new, name="meeting-new"),
    path("vergaderingen/<int:pk>/", include(meeting_pages)),
    path("overgang/<slug:kind>/<int:pk>/<slug:name>/", views.transition, name="transition"),
    path("meldingen/<int:pk>/gelezen/", notifications.notification_read, name="notification-read"),
    path("meldingen/gelezen/", notifications.notifications_read, name="notifications-read"),
    path("overzicht/", views.overview, name="overview"),
    path("hulp/", views.help_page, name="help"),
]
