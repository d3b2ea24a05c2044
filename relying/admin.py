"""Staff register the applications' OpenID clients here, through the services: every
change audited, the secret shown once (it is stored hashed)."""

from allauth.idp.oidc.models import Client, Token
from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.admin import ReadOnlyAdmin
from portal.refusals import Refusal
from relying import services
from relying.models import ApplicationClient, SecurityEvent

# allauth's own admin would change clients and tokens behind the audit trail's back.
for model in (Client, Token):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class ApplicationClientForm(forms.ModelForm):
    redirect_uris = forms.CharField(
        label=_("Redirect URIs"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One address per line, exactly as the application sends it."),
    )
    public = forms.BooleanField(
        label=_("Public client"),
        required=False,
        help_text=_(
            "A browser or mobile application: no secret, PKCE required. Fixed once registered."
        ),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Allowed scopes"),
        choices=[(scope, scope) for scope in services.BASE_SCOPES],
        initial=services.BASE_SCOPES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("“egovnrn” is added when the national number may be released."),
    )

    class Meta:
        model = ApplicationClient
        fields = ["application", "allow_nrn", "allow_citizens", "events_url"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            client = self.instance.client
            self.fields["redirect_uris"].initial = client.redirect_uris
            self.fields["public"].initial = client.type == Client.Type.PUBLIC
            self.fields["public"].disabled = True
            self.fields["scopes"].initial = client.get_scopes()
            self.fields["application"].disabled = True

    def clean_redirect_uris(self):
        uris = [line.strip() for line in self.cleaned_data["redirect_uris"].splitlines()]
        return [uri for uri in uris if uri]

    def clean(self):
        data = super().clean()
        if "redirect_uris" in data:
            try:
                services.check_client(
                    redirect_uris=data["redirect_uris"],
                    events_url=data.get("events_url", ""),
                    allow_nrn=data.get("allow_nrn", False),
                    scopes=data.get("scopes"),
                )
            except Refusal as refusal:
                self.add_error(None, refusal)
        return data


@admin.register(ApplicationClient)
class ApplicationClientAdmin(admin.ModelAdmin):
    form = ApplicationClientForm
    list_display = ["application", "client_id_display", "client_type", "allow_nrn", "events_url"]
    list_select_related = ["application", "client"]
    readonly_fields = ["client_id_display", "created_at", "updated_at"]
    actions = ["rotate_secret"]

    @admin.display(description=_("client ID"))
    def client_id_display(self, obj):
        return obj.client_id if obj.pk else "—"

    @admin.display(description=_("type"))
    def client_type(self, obj):
        return obj.client.get_type_display()

    def has_delete_permission(self, request, obj=None):
        return False  # the trail refers to it; withdraw an application in the catalogue

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            obj.client.set_redirect_uris(data["redirect_uris"])
            services.client_change(actor=request.user, registration=obj, scopes=data["scopes"])
            return
        registration, secret = services.client_register(
            actor=request.user,
            application=data["application"],
            redirect_uris=data["redirect_uris"],
            public=data["public"],
            events_url=data["events_url"],
            allow_nrn=data["allow_nrn"],
            allow_citizens=data["allow_citizens"],
            scopes=data["scopes"],
        )
        obj.pk = registration.pk
        self._show_secret(request, registration, secret)

    def _show_secret(self, request, registration, secret):
        if secret is None:
            self.message_user(
                request,
                _("Client ID %(id)s (public client: no secret).") % {"id": registration.client_id},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                _(
                    "Client ID %(id)s, client secret %(secret)s. Copy the secret now: "
                    "it is stored hashed and will not be shown again."
                )
                % {"id": registration.client_id, "secret": secret},
                messages.WARNING,
            )

    @admin.action(description=_("Replace the client secret"))
    def rotate_secret(self, request, queryset):
        done = 0
        for registration in queryset.select_related("client", "application"):
            try:
                secret = services.client_rotate_secret(
                    actor=request.user, registration=registration
                )
            except Refusal as refusal:
                self.message_user(request, f"{registration}: {refusal.messages[0]}", messages.ERROR)
                continue
            done += 1
            self._show_secret(request, registration, secret)
        if done:
            self.message_user(
                request,
                ngettext("%(n)d secret replaced.", "%(n)d secrets replaced.", done) % {"n": done},
                messages.SUCCESS,
            )


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    """The delivery log of the revocation events: staff read it, only the delivery writes."""

    list_display = [
        "created_at",
        "jti",
        "client",
        "event_type",
        "enterprise",
        "status",
        "attempts",
        "last_status_code",
        "delivered_at",
    ]
    list_filter = ["status", "client", "event_type"]
    search_fields = ["jti"]
    date_hierarchy = "created_at"
    list_select_related = ["client", "enterprise"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]
