# ruff: noqa: E501  (prose: the seed's sentences are kept whole, one per line)
"""The wizard's initial content: every screen of the seed, in French (its wording, with the
certain typos corrected: see migration 0003), Dutch, German and English.

Each page: slug, kind, parent (the "back" target), title, body and footer (Markdown; links
are written [words](link:key) and `links` says where each key points), and `choices` (the
page's list: (kind, target slug, label)). Loaded by `manage.py load_wizard`.
"""

from __future__ import annotations


def t(fr: str, nl: str, de: str, en: str) -> dict[str, str]:
    return {"fr": fr, "nl": nl, "de": de, "en": en}


CONTACT_FR = "[le Centre de contact de la Sécurité sociale](link:contact)"
CONTACT_NL = "[het Contactcenter van de Sociale Zekerheid](link:contact)"
CONTACT_DE = "[das Kontaktcenter der Sozialen Sicherheit](link:contact)"
CONTACT_EN = "[the Social Security Contact Centre](link:contact)"

CONTACT = ("contact", "contact", None)

PROFILE_LABELS = {
    "legal-representative": t(
        "Représentant Légal",
        "Wettelijke vertegenwoordiger",
        "Gesetzlicher Vertreter",
        "Legal Representative",
    ),
    "rae": t(
        "Responsable Accès Entité (RAE)",
        "Hoofdtoegangsbeheerder (HTB)",
        "Hauptzugangsverwalter (HZV)",
        "Entity Access Manager (RAE)",
    ),
    "local-manager": t(
        "Gestionnaire Local", "Lokale beheerder", "Lokaler Verwalter", "Local Manager"
    ),
    "user": t("Utilisateur", "Gebruiker", "Benutzer", "User"),
}

ALSO_RAE = t(
    "Vous pouvez également vous désigner comme RAE ou désigner un co-Responsable Accès Entité.",
    "U kunt uzelf ook als HTB aanduiden of een co-hoofdtoegangsbeheerder aanduiden.",
    "Sie können sich auch selbst als HZV benennen oder einen Co-Hauptzugangsverwalter benennen.",
    "You can also designate yourself as RAE or designate a co-Entity Access Manager.",
)
CO_RAE_RULE = t(
    "Le co-Responsable Accès Entité a les mêmes droits que le Responsable Accès Entité, mais il "
    "ne peut pas désigner d'autres co-Responsables Accès Entité.",
    "De co-hoofdtoegangsbeheerder heeft dezelfde rechten als de hoofdtoegangsbeheerder, maar "
    "kan geen andere co-hoofdtoegangsbeheerders aanduiden.",
    "Der Co-Hauptzugangsverwalter hat dieselben Rechte wie der Hauptzugangsverwalter, kann "
    "aber keine weiteren Co-Hauptzugangsverwalter benennen.",
    "The co-Entity Access Manager has the same rights as the Entity Access Manager, but "
    "cannot designate other co-Entity Access Managers.",
)
CO_GL_RULE = t(
    "Le co-Gestionnaire Local a les mêmes droits que le Gestionnaire Local, mais ne peut pas "
    "désigner d'autres co-Gestionnaires Locaux.",
    "De co-lokale beheerder heeft dezelfde rechten als de lokale beheerder, maar kan geen "
    "andere co-lokale beheerders aanduiden.",
    "Der Co-Lokale Verwalter hat dieselben Rechte wie der Lokale Verwalter, kann aber keine "
    "weiteren Co-Lokalen Verwalter benennen.",
    "The co-Local Manager has the same rights as the Local Manager, but cannot designate "
    "other co-Local Managers.",
)
CONTINUE = t(
    "Continuer le wizard", "De wizard voortzetten", "Den Wizard fortsetzen", "Continue the wizard"
)

PAGES: list[dict] = [
    {
        "slug": "home",
        "kind": "home",
        "parent": None,
        "title": t(
            "Bienvenue dans le wizard de Ma gestion des rôles eGov",
            "Welkom in de wizard van Mijn eGov-rollenbeheer",
            "Willkommen im Wizard von Meine eGov-Rollenverwaltung",
            "Welcome to the My eGov role management wizard",
        ),
        "choices": [
            (
                "next",
                "about",
                t("À propos du wizard", "Over de wizard", "Über den Wizard", "About the wizard"),
            ),
            (
                "next",
                "profiles",
                t(
                    "Démarrer le wizard",
                    "De wizard starten",
                    "Den Wizard starten",
                    "Start the wizard",
                ),
            ),
        ],
    },
    {
        "slug": "about",
        "kind": "about",
        "parent": "home",
        "title": t(
            "À propos du wizard : tâches par profil",
            "Over de wizard: taken per profiel",
            "Über den Wizard: Aufgaben je Profil",
            "About the wizard: tasks by profile",
        ),
        "body": t(
            "Ce wizard vous guidera à travers les **tâches** que vous pouvez effectuer si vous "
            "avez un des profils suivants :",
            "Deze wizard begeleidt u bij de **taken** die u kunt uitvoeren als u een van de "
            "volgende profielen hebt:",
            "Dieser Wizard führt Sie durch die **Aufgaben**, die Sie ausführen können, wenn Sie "
            "eines der folgenden Profile haben:",
            "This wizard will guide you through the **tasks** you can carry out if you have one "
            "of the following profiles:",
        ),
        "choices": [
            ("profile", "legal-representative", PROFILE_LABELS["legal-representative"]),
            ("profile", "rae", PROFILE_LABELS["rae"]),
            ("profile", "local-manager", PROFILE_LABELS["local-manager"]),
            ("profile", "user", PROFILE_LABELS["user"]),
            (
                "next",
                "about-links",
                t(
                    "À propos du wizard : utilisation des liens",
                    "Over de wizard: gebruik van de links",
                    "Über den Wizard: Verwendung der Links",
                    "About the wizard: using the links",
                ),
            ),
        ],
    },
    {
        "slug": "about-links",
        "kind": "about",
        "parent": "about",
        "title": t(
            "À propos du wizard : utilisation des liens",
            "Over de wizard: gebruik van de links",
            "Über den Wizard: Verwendung der Links",
            "About the wizard: using the links",
        ),
        "body": t(
            "Utilisez le(s) lien(s) :\n\n"
            "- 👤 « Je suis un ... » pour naviguer dans le wizard selon votre propre **profil**.\n"
            "- ➜ « ... et je voudrais » pour naviguer vers la **tâche** que vous souhaitez effectuer.\n"
            "- ↗ pour naviguer vers un site **externe**.\n"
            "- ⌂ dans la barre de titre pour revenir à la page d'**accueil**\n"
            "- ← dans la barre de titre pour revenir à la page **précédente**\n"
            "- ⓘ pour afficher les **définitions** des différents profils",
            "Gebruik de link(s):\n\n"
            "- 👤 « Ik ben een ... » om door de wizard te navigeren volgens uw eigen **profiel**.\n"
            "- ➜ « ... en ik wil » om naar de **taak** te gaan die u wilt uitvoeren.\n"
            "- ↗ om naar een **externe** website te gaan.\n"
            "- ⌂ in de titelbalk om terug te keren naar de **startpagina**\n"
            "- ← in de titelbalk om terug te keren naar de **vorige** pagina\n"
            "- ⓘ om de **definities** van de verschillende profielen te bekijken",
            "Verwenden Sie den/die Link(s):\n\n"
            "- 👤 „Ich bin ein ...“, um im Wizard entsprechend Ihrem eigenen **Profil** zu navigieren.\n"
            "- ➜ „... und ich möchte“, um zu der **Aufgabe** zu gelangen, die Sie ausführen möchten.\n"
            "- ↗, um zu einer **externen** Website zu gelangen.\n"
            "- ⌂ in der Titelleiste, um zur **Startseite** zurückzukehren\n"
            "- ← in der Titelleiste, um zur **vorherigen** Seite zurückzukehren\n"
            "- ⓘ, um die **Definitionen** der verschiedenen Profile anzuzeigen",
            "Use the link(s):\n\n"
            "- 👤 “I am a ...” to navigate the wizard according to your own **profile**.\n"
            "- ➜ “... and I would like to” to go to the **task** you want to carry out.\n"
            "- ↗ to go to an **external** website.\n"
            "- ⌂ in the title bar to return to the **home** page\n"
            "- ← in the title bar to return to the **previous** page\n"
            "- ⓘ to show the **definitions** of the different profiles",
        ),
        "choices": [
            (
                "previous",
                "about",
                t(
                    "À propos du wizard : tâches par profil",
                    "Over de wizard: taken per profiel",
                    "Über den Wizard: Aufgaben je Profil",
                    "About the wizard: tasks by profile",
                ),
            ),
            ("next", "profiles", CONTINUE),
        ],
    },
    {
        "slug": "profiles",
        "kind": "profiles",
        "parent": "home",
        "title": t("Je suis un ...", "Ik ben een ...", "Ich bin ein ...", "I am a ..."),
        "choices": [
            ("profile", "legal-representative", PROFILE_LABELS["legal-representative"]),
            (
                "profile",
                "rae",
                t(
                    "Responsable Accès Entité (RAE)",
                    "Hoofdtoegangsbeheerder (HTB)",
                    "Hauptzugangsverwalter (HZV)",
                    "Entity Access Manager (RAE)",
                ),
            ),
            ("profile", "local-manager", PROFILE_LABELS["local-manager"]),
            ("profile", "user", PROFILE_LABELS["user"]),
        ],
    },
    {
        "slug": "definitions",
        "kind": "profiles",
        "parent": "profiles",
        "title": t(
            "Quelles sont les tâches d'un ...",
            "Wat zijn de taken van een ...",
            "Welche Aufgaben hat ein ...",
            "What are the tasks of a ...",
        ),
        "body": t(
            "- [Représentant Légal](link:lr) : une personne dont le nom figure dans les statuts de "
            "l'entreprise et qui dispose d'un mandat actif et d'une compétence de signature au nom "
            "de l'entreprise.\n"
            "- [Responsable Accès Entité (RAE)](link:rae) : est désigné par le Représentant Légal. "
            "Le RAE est une personne employée au sein de l'entreprise ou exerçant la fonction de "
            "gérant, d'administrateur ou d'associé. Il peut gérer seul, au nom de l'entreprise, le "
            "compte qui est ouvert sur le Portail des Gestionnaires d'accès ou il peut, à son tour, "
            "désigner un co-Responsable Accès Entité.\n"
            "- [Gestionnaire Local](link:gl) : est désigné par le RAE de l'entreprise. Il assure la "
            "gestion des attributions de rôle des utilisateurs dans l'application 'Ma gestion des "
            "rôles eGov'.\n"
            "- [Utilisateur](link:user) : peut accéder à 1 ou à plusieurs application(s), selon ses "
            "attributions de rôle dans Ma gestion des rôles eGov.",
            "- [Wettelijke vertegenwoordiger](link:lr): een persoon van wie de naam in de statuten "
            "van de onderneming staat en die over een actief mandaat en over "
            "handtekeningbevoegdheid namens de onderneming beschikt.\n"
            "- [Hoofdtoegangsbeheerder (HTB)](link:rae): wordt aangeduid door de wettelijke "
            "vertegenwoordiger. De HTB is een persoon die in de onderneming tewerkgesteld is of er "
            "de functie van zaakvoerder, bestuurder of vennoot uitoefent. Hij kan alleen, namens de "
            "onderneming, de account beheren die op het Portaal van de Toegangsbeheerders geopend "
            "is, of hij kan op zijn beurt een co-hoofdtoegangsbeheerder aanduiden.\n"
            "- [Lokale beheerder](link:gl): wordt aangeduid door de HTB van de onderneming. Hij "
            "beheert de rollentoekenningen van de gebruikers in de toepassing 'Mijn "
            "eGov-rollenbeheer'.\n"
            "- [Gebruiker](link:user): heeft toegang tot 1 of meer toepassing(en), volgens zijn "
            "rollentoekenningen in Mijn eGov-rollenbeheer.",
            "- [Gesetzlicher Vertreter](link:lr): eine Person, deren Name in der Satzung des "
            "Unternehmens steht und die über ein aktives Mandat und eine Zeichnungsbefugnis im "
            "Namen des Unternehmens verfügt.\n"
            "- [Hauptzugangsverwalter (HZV)](link:rae): wird vom gesetzlichen Vertreter benannt. "
            "Der HZV ist eine Person, die im Unternehmen beschäftigt ist oder dort die Funktion "
            "eines Geschäftsführers, Verwalters oder Gesellschafters ausübt. Er kann das auf dem "
            "Portal der Zugangsverwalter eröffnete Konto allein im Namen des Unternehmens "
            "verwalten oder seinerseits einen Co-Hauptzugangsverwalter benennen.\n"
            "- [Lokaler Verwalter](link:gl): wird vom HZV des Unternehmens benannt. Er verwaltet "
            "die Rollenzuweisungen der Benutzer in der Anwendung 'Meine eGov-Rollenverwaltung'.\n"
            "- [Benutzer](link:user): kann je nach seinen Rollenzuweisungen in Meine "
            "eGov-Rollenverwaltung auf 1 oder mehrere Anwendung(en) zugreifen.",
            "- [Legal Representative](link:lr): a person whose name appears in the enterprise's "
            "articles of association and who holds an active mandate and the authority to sign on "
            "behalf of the enterprise.\n"
            "- [Entity Access Manager (RAE)](link:rae): is designated by the Legal Representative. "
            "The RAE is a person employed by the enterprise or acting as its manager, director or "
            "partner. The RAE can manage alone, on behalf of the enterprise, the account opened on "
            "the Access Managers Portal, or can in turn designate a co-Entity Access Manager.\n"
            "- [Local Manager](link:gl): is designated by the enterprise's RAE. The Local Manager "
            "manages the users' role attributions in the 'My eGov role management' application.\n"
            "- [User](link:user): can access 1 or more application(s), according to their role "
            "attributions in My eGov role management.",
        ),
        "links": [
            ("lr", "page", "legal-representative"),
            ("rae", "page", "rae"),
            ("gl", "page", "local-manager"),
            ("user", "page", "user"),
        ],
        "choices": [
            (
                "next",
                "contact",
                t(
                    "Vous avez des questions ou souhaitez en savoir plus ?",
                    "Hebt u vragen of wilt u meer weten?",
                    "Haben Sie Fragen oder möchten Sie mehr erfahren?",
                    "Do you have questions or would you like to know more?",
                ),
            ),
        ],
    },
    {
        "slug": "contact",
        "kind": "contact",
        "parent": "definitions",
        "title": t("Contact", "Contact", "Kontakt", "Contact"),
        "body": t(
            "Vous avez des questions ou vous souhaitez en savoir plus ?\n\n"
            "Contactez [le Centre de contact de la Sécurité sociale.](link:contact)",
            "Hebt u vragen of wilt u meer weten?\n\n"
            "Neem contact op met [het Contactcenter van de Sociale Zekerheid.](link:contact)",
            "Haben Sie Fragen oder möchten Sie mehr erfahren?\n\n"
            "Wenden Sie sich an [das Kontaktcenter der Sozialen Sicherheit.](link:contact)",
            "Do you have questions or would you like to know more?\n\n"
            "Contact [the Social Security Contact Centre.](link:contact)",
        ),
        "links": [CONTACT],
        "choices": [("next", "profiles", CONTINUE)],
    },
]

I_WOULD_LIKE = t(
    "... et je voudrais :", "... en ik wil:", "... und ich möchte:", "... and I would like to:"
)


def profile_page(slug: str, title: dict, tasks: list, **extra) -> dict:
    return {
        "slug": slug,
        "kind": "profile-tasks",
        "parent": "profiles",
        "title": title,
        "body": I_WOULD_LIKE,
        "choices": [("task", target, label) for target, label in tasks],
        **extra,
    }


def answer(slug: str, parent: str, title: dict, body: dict, links=(), footer=None) -> dict:
    page = {
        "slug": slug,
        "kind": "answer",
        "parent": parent,
        "title": title,
        "body": body,
        "links": list(links),
    }
    if footer:
        page["footer"] = footer
    return page


PAGES += [
    profile_page(
        "legal-representative",
        t(
            "Je suis un Représentant Légal",
            "Ik ben een wettelijke vertegenwoordiger",
            "Ich bin ein gesetzlicher Vertreter",
            "I am a Legal Representative",
        ),
        [
            (
                "lr-register",
                t(
                    "enregistrer mon entreprise pour désigner la(les) personne(s) responsable(s) de la gestion des rôles.",
                    "mijn onderneming registreren om de persoon (personen) aan te duiden die verantwoordelijk is (zijn) voor het rollenbeheer.",
                    "mein Unternehmen registrieren, um die für die Rollenverwaltung verantwortliche(n) Person(en) zu benennen.",
                    "register my enterprise to designate the person(s) responsible for role management.",
                ),
            ),
            (
                "lr-designate-rae",
                t(
                    "désigner un Responsable Accès Entité (RAE)",
                    "een hoofdtoegangsbeheerder (HTB) aanduiden",
                    "einen Hauptzugangsverwalter (HZV) benennen",
                    "designate an Entity Access Manager (RAE)",
                ),
            ),
            (
                "lr-activate-quality",
                t(
                    "activer une Qualité",
                    "een hoedanigheid activeren",
                    "eine Eigenschaft aktivieren",
                    "activate a Quality",
                ),
            ),
            (
                "lr-designate-gl",
                t(
                    "désigner un Gestionnaire Local",
                    "een lokale beheerder aanduiden",
                    "einen Lokalen Verwalter benennen",
                    "designate a Local Manager",
                ),
            ),
            (
                "lr-who-is",
                t(
                    "savoir qui est le Responsable Accès Entité (RAE) ou le Gestionnaire Local au sein de mon entreprise",
                    "weten wie de hoofdtoegangsbeheerder (HTB) of de lokale beheerder van mijn onderneming is",
                    "wissen, wer in meinem Unternehmen der Hauptzugangsverwalter (HZV) oder der Lokale Verwalter ist",
                    "know who the Entity Access Manager (RAE) or the Local Manager of my enterprise is",
                ),
            ),
            (
                "lr-manage-roles",
                t(
                    "gérer les attributions de rôle des utilisateurs",
                    "de rollentoekenningen van de gebruikers beheren",
                    "die Rollenzuweisungen der Benutzer verwalten",
                    "manage the users' role attributions",
                ),
            ),
        ],
        footer=t(
            "Pour chacune des actions suivantes, l'entreprise doit être enregistrée auprès de la BCE.\n"
            "Pour vérifier si cela a été fait, allez sur [BCE Public Search](link:bce).",
            "Voor elk van de volgende acties moet de onderneming ingeschreven zijn in de KBO.\n"
            "Om na te gaan of dat gebeurd is, gaat u naar [KBO Public Search](link:bce).",
            "Für jede der folgenden Aktionen muss das Unternehmen in der ZDU eingetragen sein.\n"
            "Um zu prüfen, ob dies geschehen ist, gehen Sie zu [ZDU Public Search](link:bce).",
            "For each of the following actions, the enterprise must be registered with the CBE.\n"
            "To check whether this has been done, go to [CBE Public Search](link:bce).",
        ),
        links=[("bce", "action", "enterprise_search")],
    ),
    answer(
        "lr-register",
        "legal-representative",
        t(
            "... et je voudrais enregistrer mon entreprise pour désigner la(les) personne(s) responsable(s) de la gestion des rôles.",
            "... en ik wil mijn onderneming registreren om de persoon (personen) aan te duiden die verantwoordelijk is (zijn) voor het rollenbeheer.",
            "... und ich möchte mein Unternehmen registrieren, um die für die Rollenverwaltung verantwortliche(n) Person(en) zu benennen.",
            "... and I would like to register my enterprise to designate the person(s) responsible for role management.",
        ),
        t(
            "➜ [enregistrer mon entreprise](link:register)\n\n"
            "Vous allez désigner le Responsable Accès Entité (RAE) pour votre entreprise. Cette "
            "personne recevra par e-mail un lien pour accepter sa désignation.",
            "➜ [mijn onderneming registreren](link:register)\n\n"
            "U gaat de hoofdtoegangsbeheerder (HTB) voor uw onderneming aanduiden. Deze persoon "
            "ontvangt per e-mail een link om de aanduiding te aanvaarden.",
            "➜ [mein Unternehmen registrieren](link:register)\n\n"
            "Sie werden den Hauptzugangsverwalter (HZV) für Ihr Unternehmen benennen. Diese "
            "Person erhält per E-Mail einen Link, um die Benennung anzunehmen.",
            "➜ [register my enterprise](link:register)\n\n"
            "You are going to designate the Entity Access Manager (RAE) for your enterprise. This "
            "person will receive an e-mail with a link to accept the designation.",
        ),
        links=[("register", "action", "enterprise_register")],
    ),
    answer(
        "lr-designate-rae",
        "legal-representative",
        t(
            "... et je voudrais désigner un Responsable Accès Entité (RAE).",
            "... en ik wil een hoofdtoegangsbeheerder (HTB) aanduiden.",
            "... und ich möchte einen Hauptzugangsverwalter (HZV) benennen.",
            "... and I would like to designate an Entity Access Manager (RAE).",
        ),
        t(
            "La désignation d'un RAE doit se faire au moment d'enregistrer votre entreprise.\n\n"
            f"- Contactez {CONTACT_FR} pour vérifier si votre entreprise a déjà été enregistrée.\n"
            "- Si votre entreprise n'a pas encore été enregistrée, [procédez d'abord à "
            "l'enregistrement](link:register). Après l'enregistrement, vous serez invité à désigner un RAE.",
            "De aanduiding van een HTB moet gebeuren op het moment dat u uw onderneming registreert.\n\n"
            f"- Neem contact op met {CONTACT_NL} om na te gaan of uw onderneming al geregistreerd is.\n"
            "- Als uw onderneming nog niet geregistreerd is, [registreer ze dan eerst](link:register). "
            "Na de registratie wordt u gevraagd een HTB aan te duiden.",
            "Die Benennung eines HZV muss bei der Registrierung Ihres Unternehmens erfolgen.\n\n"
            f"- Wenden Sie sich an {CONTACT_DE}, um zu prüfen, ob Ihr Unternehmen bereits registriert ist.\n"
            "- Wenn Ihr Unternehmen noch nicht registriert ist, [nehmen Sie zuerst die Registrierung "
            "vor](link:register). Nach der Registrierung werden Sie aufgefordert, einen HZV zu benennen.",
            "An RAE must be designated when you register your enterprise.\n\n"
            f"- Contact {CONTACT_EN} to check whether your enterprise has already been registered.\n"
            "- If your enterprise has not been registered yet, [register it first](link:register). "
            "After registration, you will be asked to designate an RAE.",
        ),
        links=[CONTACT, ("register", "action", "enterprise_register")],
        footer=ALSO_RAE,
    ),
    answer(
        "lr-activate-quality",
        "legal-representative",
        t(
            "... et je voudrais activer une 'Qualité'.",
            "... en ik wil een 'hoedanigheid' activeren.",
            "... und ich möchte eine 'Eigenschaft' aktivieren.",
            "... and I would like to activate a 'Quality'.",
        ),
        t(
            "En tant que Représentant Légal, vous ne pouvez **pas** activer une 'Qualité' directement. "
            "Seul le Responsable Accès Entité (RAE) peut exécuter cette action.\n\n"
            "- Êtes-vous à la fois le Représentant Légal et le RAE ? [Connectez-vous sur le portail "
            "de la Sécurité sociale](link:portal) et activez la 'Qualité'.\n"
            "- Vous n'êtes pas le RAE ?\n"
            f"    - Contactez {CONTACT_FR} et demandez-leur qui est le RAE pour votre entreprise.\n"
            "    - Désignez un RAE [lors de l'enregistrement de votre entreprise.](link:register)",
            "Als wettelijke vertegenwoordiger kunt u een 'hoedanigheid' **niet** rechtstreeks "
            "activeren. Alleen de hoofdtoegangsbeheerder (HTB) kan deze actie uitvoeren.\n\n"
            "- Bent u zowel de wettelijke vertegenwoordiger als de HTB? [Meld u aan op het portaal "
            "van de Sociale Zekerheid](link:portal) en activeer de 'hoedanigheid'.\n"
            "- Bent u niet de HTB?\n"
            f"    - Neem contact op met {CONTACT_NL} en vraag wie de HTB van uw onderneming is.\n"
            "    - Duid een HTB aan [bij de registratie van uw onderneming.](link:register)",
            "Als gesetzlicher Vertreter können Sie eine 'Eigenschaft' **nicht** direkt aktivieren. "
            "Nur der Hauptzugangsverwalter (HZV) kann diese Aktion ausführen.\n\n"
            "- Sind Sie sowohl gesetzlicher Vertreter als auch HZV? [Melden Sie sich beim Portal der "
            "Sozialen Sicherheit an](link:portal) und aktivieren Sie die 'Eigenschaft'.\n"
            "- Sie sind nicht der HZV?\n"
            f"    - Wenden Sie sich an {CONTACT_DE} und fragen Sie, wer der HZV Ihres Unternehmens ist.\n"
            "    - Benennen Sie einen HZV [bei der Registrierung Ihres Unternehmens.](link:register)",
            "As a Legal Representative, you **cannot** activate a 'Quality' directly. Only the "
            "Entity Access Manager (RAE) can carry out this action.\n\n"
            "- Are you both the Legal Representative and the RAE? [Sign in to the Social Security "
            "portal](link:portal) and activate the 'Quality'.\n"
            "- You are not the RAE?\n"
            f"    - Contact {CONTACT_EN} and ask them who the RAE of your enterprise is.\n"
            "    - Designate an RAE [when you register your enterprise.](link:register)",
        ),
        links=[
            CONTACT,
            ("portal", "action", "my_enterprises"),
            ("register", "action", "enterprise_register"),
        ],
        footer=ALSO_RAE,
    ),
    answer(
        "lr-designate-gl",
        "legal-representative",
        t(
            "... et je voudrais désigner un Gestionnaire Local.",
            "... en ik wil een lokale beheerder aanduiden.",
            "... und ich möchte einen Lokalen Verwalter benennen.",
            "... and I would like to designate a Local Manager.",
        ),
        t(
            "En tant que Représentant Légal, vous ne pouvez **pas** désigner un gestionnaire local "
            "directement. Seul le Responsable Accès Entité (RAE) peut exécuter cette action.\n\n"
            "- Êtes-vous à la fois le Représentant Légal et le RAE ? [Connectez-vous sur le portail "
            "de la Sécurité sociale](link:portal) et activez la 'Qualité' pour désigner un "
            "Gestionnaire Local.\n"
            "- Vous n'êtes pas le RAE ?\n"
            f"    - Contactez {CONTACT_FR} et demandez-leur qui est le RAE pour votre entreprise.\n"
            "    - Désignez un RAE [lors de l'enregistrement de votre entreprise.](link:register)",
            "Als wettelijke vertegenwoordiger kunt u een lokale beheerder **niet** rechtstreeks "
            "aanduiden. Alleen de hoofdtoegangsbeheerder (HTB) kan deze actie uitvoeren.\n\n"
            "- Bent u zowel de wettelijke vertegenwoordiger als de HTB? [Meld u aan op het portaal "
            "van de Sociale Zekerheid](link:portal) en activeer de 'hoedanigheid' om een lokale "
            "beheerder aan te duiden.\n"
            "- Bent u niet de HTB?\n"
            f"    - Neem contact op met {CONTACT_NL} en vraag wie de HTB van uw onderneming is.\n"
            "    - Duid een HTB aan [bij de registratie van uw](link:register) onderneming.",
            "Als gesetzlicher Vertreter können Sie einen Lokalen Verwalter **nicht** direkt "
            "benennen. Nur der Hauptzugangsverwalter (HZV) kann diese Aktion ausführen.\n\n"
            "- Sind Sie sowohl gesetzlicher Vertreter als auch HZV? [Melden Sie sich beim Portal der "
            "Sozialen Sicherheit an](link:portal) und aktivieren Sie die 'Eigenschaft', um einen "
            "Lokalen Verwalter zu benennen.\n"
            "- Sie sind nicht der HZV?\n"
            f"    - Wenden Sie sich an {CONTACT_DE} und fragen Sie, wer der HZV Ihres Unternehmens ist.\n"
            "    - Einen HZV [bei der Registrierung Ihres](link:register) Unternehmens benennen.",
            "As a Legal Representative, you **cannot** designate a Local Manager directly. Only "
            "the Entity Access Manager (RAE) can carry out this action.\n\n"
            "- Are you both the Legal Representative and the RAE? [Sign in to the Social Security "
            "portal](link:portal) and activate the 'Quality' to designate a Local Manager.\n"
            "- You are not the RAE?\n"
            f"    - Contact {CONTACT_EN} and ask them who the RAE of your enterprise is.\n"
            "    - Designate an RAE [when you register your](link:register) enterprise.",
        ),
        links=[
            CONTACT,
            ("portal", "action", "my_enterprises"),
            ("register", "action", "enterprise_register"),
        ],
        footer=ALSO_RAE,
    ),
    answer(
        "lr-who-is",
        "legal-representative",
        t(
            "... et je voudrais savoir qui est le Responsable Accès Entité (RAE) ou le Gestionnaire Local au sein de mon entreprise.",
            "... en ik wil weten wie de hoofdtoegangsbeheerder (HTB) of de lokale beheerder van mijn onderneming is.",
            "... und ich möchte wissen, wer in meinem Unternehmen der Hauptzugangsverwalter (HZV) oder der Lokale Verwalter ist.",
            "... and I would like to know who the Entity Access Manager (RAE) or the Local Manager of my enterprise is.",
        ),
        t(
            "Si votre entreprise est enregistrée, vous avez désigné un RAE.\n\n"
            "Si vous souhaitez savoir si l'enregistrement de votre entreprise a bien eu lieu et qui "
            f"est votre RAE ou votre Gestionnaire Local, contactez {CONTACT_FR}.",
            "Als uw onderneming geregistreerd is, hebt u een HTB aangeduid.\n\n"
            "Wilt u weten of de registratie van uw onderneming wel degelijk gebeurd is en wie uw "
            f"HTB of uw lokale beheerder is, neem dan contact op met {CONTACT_NL}.",
            "Wenn Ihr Unternehmen registriert ist, haben Sie einen HZV benannt.\n\n"
            "Wenn Sie wissen möchten, ob die Registrierung Ihres Unternehmens erfolgt ist und wer "
            f"Ihr HZV oder Ihr Lokaler Verwalter ist, wenden Sie sich an {CONTACT_DE}.",
            "If your enterprise is registered, you have designated an RAE.\n\n"
            "If you would like to know whether your enterprise has indeed been registered and who "
            f"your RAE or your Local Manager is, contact {CONTACT_EN}.",
        ),
        links=[CONTACT],
    ),
    answer(
        "lr-manage-roles",
        "legal-representative",
        t(
            "... et je voudrais gérer les attributions de rôle des utilisateurs.",
            "... en ik wil de rollentoekenningen van de gebruikers beheren.",
            "... und ich möchte die Rollenzuweisungen der Benutzer verwalten.",
            "... and I would like to manage the users' role attributions.",
        ),
        t(
            "En tant que Représentant Légal, vous ne pouvez **pas** gérer directement les "
            "attributions de rôle des utilisateurs. Seul le Gestionnaire Local peut exécuter cette "
            "tâche. Un Gestionnaire Local est désigné par le Responsable Accès Entité (RAE).\n\n"
            "Faites votre choix :\n\n"
            "- Je suis également [Gestionnaire Local](link:gl)\n"
            "- Je voudrais me désigner ou désigner une autre personne comme [Responsable Accès "
            "Entité](link:rae) ou [Gestionnaire Local](link:designate-gl)\n"
            "- Je voudrais savoir qui est le RAE ou le Gestionnaire Local pour mon entreprise. "
            f"Contactez {CONTACT_FR}.",
            "Als wettelijke vertegenwoordiger kunt u de rollentoekenningen van de gebruikers "
            "**niet** rechtstreeks beheren. Alleen de lokale beheerder kan deze taak uitvoeren. Een "
            "lokale beheerder wordt aangeduid door de hoofdtoegangsbeheerder (HTB).\n\n"
            "Maak uw keuze:\n\n"
            "- Ik ben ook [lokale beheerder](link:gl)\n"
            "- Ik wil mezelf of een andere persoon aanduiden als [hoofdtoegangsbeheerder](link:rae) "
            "of [lokale beheerder](link:designate-gl)\n"
            "- Ik wil weten wie de HTB of de lokale beheerder van mijn onderneming is. Neem contact "
            f"op met {CONTACT_NL}.",
            "Als gesetzlicher Vertreter können Sie die Rollenzuweisungen der Benutzer **nicht** "
            "direkt verwalten. Nur der Lokale Verwalter kann diese Aufgabe ausführen. Ein Lokaler "
            "Verwalter wird vom Hauptzugangsverwalter (HZV) benannt.\n\n"
            "Treffen Sie Ihre Wahl:\n\n"
            "- Ich bin auch [Lokaler Verwalter](link:gl)\n"
            "- Ich möchte mich selbst oder eine andere Person als [Hauptzugangsverwalter](link:rae) "
            "oder [Lokalen Verwalter](link:designate-gl) benennen\n"
            "- Ich möchte wissen, wer der HZV oder der Lokale Verwalter meines Unternehmens ist. "
            f"Wenden Sie sich an {CONTACT_DE}.",
            "As a Legal Representative, you **cannot** manage the users' role attributions "
            "directly. Only the Local Manager can carry out this task. A Local Manager is "
            "designated by the Entity Access Manager (RAE).\n\n"
            "Make your choice:\n\n"
            "- I am also a [Local Manager](link:gl)\n"
            "- I would like to designate myself or another person as [Entity Access "
            "Manager](link:rae) or [Local Manager](link:designate-gl)\n"
            "- I would like to know who the RAE or the Local Manager of my enterprise is. Contact "
            f"{CONTACT_EN}.",
        ),
        links=[
            CONTACT,
            ("gl", "page", "local-manager"),
            ("rae", "page", "lr-designate-rae"),
            ("designate-gl", "page", "lr-designate-gl"),
        ],
    ),
]

SIGN_IN_FR = "[Connectez-vous sur le portail de la Sécurité sociale](link:portal)"
SIGN_IN_NL = "[Meld u aan op het portaal van de Sociale Zekerheid](link:portal)"
SIGN_IN_DE = "[Melden Sie sich beim Portal der Sozialen Sicherheit an](link:portal)"
SIGN_IN_EN = "[Sign in to the Social Security portal](link:portal)"
PORTAL = ("portal", "action", "my_enterprises")

PAGES += [
    profile_page(
        "rae",
        t(
            "Je suis un Responsable Accès Entité ...",
            "Ik ben een hoofdtoegangsbeheerder ...",
            "Ich bin ein Hauptzugangsverwalter ...",
            "I am an Entity Access Manager ...",
        ),
        [
            (
                "rae-designate-co-rae",
                t(
                    "désigner un co-Responsable Accès Entité",
                    "een co-hoofdtoegangsbeheerder aanduiden",
                    "einen Co-Hauptzugangsverwalter benennen",
                    "designate a co-Entity Access Manager",
                ),
            ),
            (
                "rae-activate-quality",
                t(
                    "activer une 'Qualité'",
                    "een 'hoedanigheid' activeren",
                    "eine 'Eigenschaft' aktivieren",
                    "activate a 'Quality'",
                ),
            ),
            (
                "rae-designate-gl",
                t(
                    "désigner un Gestionnaire Local",
                    "een lokale beheerder aanduiden",
                    "einen Lokalen Verwalter benennen",
                    "designate a Local Manager",
                ),
            ),
            (
                "rae-who-is",
                t(
                    "savoir qui est le co-Responsable Accès Entité ou le (co-)Gestionnaire Local au sein de mon entreprise",
                    "weten wie de co-hoofdtoegangsbeheerder of de (co-)lokale beheerder van mijn onderneming is",
                    "wissen, wer in meinem Unternehmen der Co-Hauptzugangsverwalter oder der (Co-)Lokale Verwalter ist",
                    "know who the co-Entity Access Manager or the (co-)Local Manager of my enterprise is",
                ),
            ),
            (
                "rae-manage-roles",
                t(
                    "gérer les attributions de rôle des utilisateurs",
                    "de rollentoekenningen van de gebruikers beheren",
                    "die Rollenzuweisungen der Benutzer verwalten",
                    "manage the users' role attributions",
                ),
            ),
        ],
    ),
    answer(
        "rae-designate-co-rae",
        "rae",
        t(
            "... et je voudrais désigner un co-Responsable Accès Entité.",
            "... en ik wil een co-hoofdtoegangsbeheerder aanduiden.",
            "... und ich möchte einen Co-Hauptzugangsverwalter benennen.",
            "... and I would like to designate a co-Entity Access Manager.",
        ),
        t(
            f"{SIGN_IN_FR} pour désigner un co-Responsable Accès Entité pour votre entreprise.",
            f"{SIGN_IN_NL} om een co-hoofdtoegangsbeheerder voor uw onderneming aan te duiden.",
            f"{SIGN_IN_DE}, um einen Co-Hauptzugangsverwalter für Ihr Unternehmen zu benennen.",
            f"{SIGN_IN_EN} to designate a co-Entity Access Manager for your enterprise.",
        ),
        links=[PORTAL],
        footer=CO_RAE_RULE,
    ),
    answer(
        "rae-activate-quality",
        "rae",
        t(
            "... et je voudrais activer une 'Qualité'.",
            "... en ik wil een 'hoedanigheid' activeren.",
            "... und ich möchte eine 'Eigenschaft' aktivieren.",
            "... and I would like to activate a 'Quality'.",
        ),
        t(
            f"{SIGN_IN_FR} pour activer une 'Qualité'.",
            f"{SIGN_IN_NL} om een 'hoedanigheid' te activeren.",
            f"{SIGN_IN_DE}, um eine 'Eigenschaft' zu aktivieren.",
            f"{SIGN_IN_EN} to activate a 'Quality'.",
        ),
        links=[PORTAL],
        footer=CO_RAE_RULE,
    ),
    answer(
        "rae-designate-gl",
        "rae",
        t(
            "... et je voudrais désigner un Gestionnaire Local.",
            "... en ik wil een lokale beheerder aanduiden.",
            "... und ich möchte einen Lokalen Verwalter benennen.",
            "... and I would like to designate a Local Manager.",
        ),
        t(
            f"{SIGN_IN_FR} pour désigner un Gestionnaire Local.",
            f"{SIGN_IN_NL} om een lokale beheerder aan te duiden.",
            f"{SIGN_IN_DE}, um einen Lokalen Verwalter zu benennen.",
            f"{SIGN_IN_EN} to designate a Local Manager.",
        ),
        links=[PORTAL],
        footer=t(
            "Vous pouvez également vous désigner comme Gestionnaire Local. Ou vous pouvez désigner "
            "d'autres personnes comme **co-Gestionnaire Local** en activant cette 'Qualité' pour eux.",
            "U kunt uzelf ook als lokale beheerder aanduiden. Of u kunt andere personen als "
            "**co-lokale beheerder** aanduiden door deze 'hoedanigheid' voor hen te activeren.",
            "Sie können sich auch selbst als Lokalen Verwalter benennen. Oder Sie können andere "
            "Personen als **Co-Lokalen Verwalter** benennen, indem Sie diese 'Eigenschaft' für sie "
            "aktivieren.",
            "You can also designate yourself as Local Manager. Or you can designate other people as "
            "**co-Local Manager** by activating this 'Quality' for them.",
        ),
    ),
    answer(
        "rae-who-is",
        "rae",
        t(
            "... et je voudrais savoir qui est le co-Responsable Accès Entité ou le (co-)Gestionnaire Local au sein de mon entreprise.",
            "... en ik wil weten wie de co-hoofdtoegangsbeheerder of de (co-)lokale beheerder van mijn onderneming is.",
            "... und ich möchte wissen, wer in meinem Unternehmen der Co-Hauptzugangsverwalter oder der (Co-)Lokale Verwalter ist.",
            "... and I would like to know who the co-Entity Access Manager or the (co-)Local Manager of my enterprise is.",
        ),
        t(
            f"{SIGN_IN_FR} en tant que Responsable Accès Entité pour savoir qui est le "
            "co-Responsable Accès Entité ou le (co-)Gestionnaire Local au sein de votre entreprise.",
            f"{SIGN_IN_NL} als hoofdtoegangsbeheerder om te weten wie de "
            "co-hoofdtoegangsbeheerder of de (co-)lokale beheerder van uw onderneming is.",
            f"{SIGN_IN_DE} als Hauptzugangsverwalter, um zu erfahren, wer in Ihrem Unternehmen der "
            "Co-Hauptzugangsverwalter oder der (Co-)Lokale Verwalter ist.",
            f"{SIGN_IN_EN} as Entity Access Manager to find out who the co-Entity Access Manager or "
            "the (co-)Local Manager of your enterprise is.",
        ),
        links=[PORTAL],
    ),
    answer(
        "rae-manage-roles",
        "rae",
        t(
            "... et je voudrais gérer les attributions de rôle des utilisateurs.",
            "... en ik wil de rollentoekenningen van de gebruikers beheren.",
            "... und ich möchte die Rollenzuweisungen der Benutzer verwalten.",
            "... and I would like to manage the users' role attributions.",
        ),
        t(
            "En tant que Responsable Accès Entité, vous ne pouvez **pas** gérer directement les "
            "attributions de rôle des utilisateurs. Elles seront gérées par le Gestionnaire Local.\n\n"
            "Êtes-vous également Gestionnaire Local ? [Connectez-vous à Ma gestion des rôles "
            "eGov](link:roles) pour gérer les attributions de rôle des utilisateurs.",
            "Als hoofdtoegangsbeheerder kunt u de rollentoekenningen van de gebruikers **niet** "
            "rechtstreeks beheren. Ze worden beheerd door de lokale beheerder.\n\n"
            "Bent u ook lokale beheerder? [Meld u aan bij Mijn eGov-rollenbeheer](link:roles) om de "
            "rollentoekenningen van de gebruikers te beheren.",
            "Als Hauptzugangsverwalter können Sie die Rollenzuweisungen der Benutzer **nicht** "
            "direkt verwalten. Sie werden vom Lokalen Verwalter verwaltet.\n\n"
            "Sind Sie auch Lokaler Verwalter? [Melden Sie sich bei Meine eGov-Rollenverwaltung "
            "an](link:roles), um die Rollenzuweisungen der Benutzer zu verwalten.",
            "As Entity Access Manager, you **cannot** manage the users' role attributions "
            "directly. They will be managed by the Local Manager.\n\n"
            "Are you also a Local Manager? [Sign in to My eGov role management](link:roles) to "
            "manage the users' role attributions.",
        ),
        links=[("roles", "action", "role_management")],
    ),
    profile_page(
        "local-manager",
        t(
            "Je suis un Gestionnaire Local ...",
            "Ik ben een lokale beheerder ...",
            "Ich bin ein Lokaler Verwalter ...",
            "I am a Local Manager ...",
        ),
        [
            (
                "gl-designate-co-gl",
                t(
                    "désigner un co-Gestionnaire Local",
                    "een co-lokale beheerder aanduiden",
                    "einen Co-Lokalen Verwalter benennen",
                    "designate a co-Local Manager",
                ),
            ),
            (
                "gl-who-is",
                t(
                    "savoir qui est le (co-)Responsable Accès Entité ou le (co-)Gestionnaire Local au sein de mon entreprise",
                    "weten wie de (co-)hoofdtoegangsbeheerder of de (co-)lokale beheerder van mijn onderneming is",
                    "wissen, wer in meinem Unternehmen der (Co-)Hauptzugangsverwalter oder der (Co-)Lokale Verwalter ist",
                    "know who the (co-)Entity Access Manager or the (co-)Local Manager of my enterprise is",
                ),
            ),
            (
                "gl-manage-roles",
                t(
                    "gérer les attributions de rôle des utilisateurs",
                    "de rollentoekenningen van de gebruikers beheren",
                    "die Rollenzuweisungen der Benutzer verwalten",
                    "manage the users' role attributions",
                ),
            ),
        ],
    ),
    answer(
        "gl-designate-co-gl",
        "local-manager",
        t(
            "... et je voudrais désigner un co-Gestionnaire Local.",
            "... en ik wil een co-lokale beheerder aanduiden.",
            "... und ich möchte einen Co-Lokalen Verwalter benennen.",
            "... and I would like to designate a co-Local Manager.",
        ),
        t(
            f"{SIGN_IN_FR} pour désigner un co-Gestionnaire Local.",
            f"{SIGN_IN_NL} om een co-lokale beheerder aan te duiden.",
            f"{SIGN_IN_DE}, um einen Co-Lokalen Verwalter zu benennen.",
            f"{SIGN_IN_EN} to designate a co-Local Manager.",
        ),
        links=[PORTAL],
        footer=CO_GL_RULE,
    ),
    answer(
        "gl-who-is",
        "local-manager",
        t(
            "... et je voudrais savoir qui est le (co-)Responsable Accès Entité ou le (co-)Gestionnaire Local au sein de mon entreprise.",
            "... en ik wil weten wie de (co-)hoofdtoegangsbeheerder of de (co-)lokale beheerder van mijn onderneming is.",
            "... und ich möchte wissen, wer in meinem Unternehmen der (Co-)Hauptzugangsverwalter oder der (Co-)Lokale Verwalter ist.",
            "... and I would like to know who the (co-)Entity Access Manager or the (co-)Local Manager of my enterprise is.",
        ),
        t(
            "Contactez [le Centre de contact de la Sécurité sociale.](link:contact)",
            "Neem contact op met [het Contactcenter van de Sociale Zekerheid.](link:contact)",
            "Wenden Sie sich an [das Kontaktcenter der Sozialen Sicherheit.](link:contact)",
            "Contact [the Social Security Contact Centre.](link:contact)",
        ),
        links=[CONTACT],
        footer=CO_GL_RULE,
    ),
    answer(
        "gl-manage-roles",
        "local-manager",
        t(
            "... et je voudrais gérer les attributions de rôle des utilisateurs.",
            "... en ik wil de rollentoekenningen van de gebruikers beheren.",
            "... und ich möchte die Rollenzuweisungen der Benutzer verwalten.",
            "... and I would like to manage the users' role attributions.",
        ),
        t(
            "[Connectez-vous à Ma gestion des rôles eGov](link:roles) et gérez les attributions de "
            "rôle des utilisateurs dont vous assurez la gestion.",
            "[Meld u aan bij Mijn eGov-rollenbeheer](link:roles) en beheer de rollentoekenningen "
            "van de gebruikers die u beheert.",
            "[Melden Sie sich bei Meine eGov-Rollenverwaltung an](link:roles) und verwalten Sie die "
            "Rollenzuweisungen der von Ihnen betreuten Benutzer.",
            "[Sign in to My eGov role management](link:roles) and manage the role attributions of "
            "the users you are responsible for.",
        ),
        links=[("roles", "action", "role_management")],
    ),
    profile_page(
        "user",
        t(
            "Je suis un Utilisateur ...",
            "Ik ben een gebruiker ...",
            "Ich bin ein Benutzer ...",
            "I am a User ...",
        ),
        [
            (
                "user-view-roles",
                t(
                    "consulter ma liste d'attributions de rôle",
                    "mijn lijst met rollentoekenningen raadplegen",
                    "meine Liste der Rollenzuweisungen einsehen",
                    "view my list of role attributions",
                ),
            ),
            (
                "user-request-role",
                t(
                    "faire une demande d'attribution de rôle",
                    "een rollentoekenning aanvragen",
                    "eine Rollenzuweisung beantragen",
                    "request a role attribution",
                ),
            ),
            (
                "user-deactivate-role",
                t(
                    "demander la désactivation d'un rôle",
                    "de deactivering van een rol aanvragen",
                    "die Deaktivierung einer Rolle beantragen",
                    "request the deactivation of a role",
                ),
            ),
            (
                "user-change-email",
                t(
                    "modifier l'adresse e-mail qui est liée à un ou à plusieurs rôle(s)",
                    "het e-mailadres wijzigen dat aan een of meer rol(len) gekoppeld is",
                    "die E-Mail-Adresse ändern, die mit einer oder mehreren Rolle(n) verknüpft ist",
                    "change the e-mail address linked to one or more role(s)",
                ),
            ),
        ],
    ),
    answer(
        "user-view-roles",
        "user",
        t(
            "... et je voudrais consulter ma liste d'attributions de rôle.",
            "... en ik wil mijn lijst met rollentoekenningen raadplegen.",
            "... und ich möchte meine Liste der Rollenzuweisungen einsehen.",
            "... and I would like to view my list of role attributions.",
        ),
        t(
            "[Connectez-vous à Mon profil eGov](link:profile) pour consulter vos attributions de rôle.",
            "[Meld u aan bij Mijn eGov-profiel](link:profile) om uw rollentoekenningen te raadplegen.",
            "[Melden Sie sich bei Mein eGov-Profil an](link:profile), um Ihre Rollenzuweisungen einzusehen.",
            "[Sign in to My eGov profile](link:profile) to view your role attributions.",
        ),
        links=[("profile", "action", "profile")],
    ),
    answer(
        "user-request-role",
        "user",
        t(
            "... et je voudrais faire une demande d'attribution de rôle.",
            "... en ik wil een rollentoekenning aanvragen.",
            "... und ich möchte eine Rollenzuweisung beantragen.",
            "... and I would like to request a role attribution.",
        ),
        t(
            "En tant qu'utilisateur, vous ne pouvez **pas** faire la demande d'attribution de rôle "
            "vous-même. Seul un gestionnaire d'attributions de rôle dans Ma gestion des rôles eGov "
            "peut vous inviter à accepter une attribution de rôle en :\n\n"
            "- vous envoyant un e-mail contenant une invitation à une attribution de rôle\n"
            "- vous octroyant une attribution directe de rôle\n"
            "- mettant à disposition un lien sur une page web",
            "Als gebruiker kunt u een rollentoekenning **niet** zelf aanvragen. Alleen een beheerder "
            "van rollentoekenningen in Mijn eGov-rollenbeheer kan u uitnodigen om een "
            "rollentoekenning te aanvaarden door:\n\n"
            "- u een e-mail te sturen met een uitnodiging voor een rollentoekenning\n"
            "- u rechtstreeks een rol toe te kennen\n"
            "- een link op een webpagina ter beschikking te stellen",
            "Als Benutzer können Sie eine Rollenzuweisung **nicht** selbst beantragen. Nur ein "
            "Verwalter von Rollenzuweisungen in Meine eGov-Rollenverwaltung kann Sie einladen, eine "
            "Rollenzuweisung anzunehmen, indem er:\n\n"
            "- Ihnen eine E-Mail mit einer Einladung zu einer Rollenzuweisung sendet\n"
            "- Ihnen eine Rolle direkt zuweist\n"
            "- einen Link auf einer Webseite bereitstellt",
            "As a user, you **cannot** request a role attribution yourself. Only a role attribution "
            "manager in My eGov role management can invite you to accept a role attribution by:\n\n"
            "- sending you an e-mail containing an invitation to a role attribution\n"
            "- granting you a role attribution directly\n"
            "- making a link available on a web page",
        ),
    ),
    answer(
        "user-deactivate-role",
        "user",
        t(
            "... et je voudrais demander la désactivation d'un rôle.",
            "... en ik wil de deactivering van een rol aanvragen.",
            "... und ich möchte die Deaktivierung einer Rolle beantragen.",
            "... and I would like to request the deactivation of a role.",
        ),
        t(
            "[Connectez-vous à Mon profil eGov](link:profile) pour consulter vos attributions de "
            "rôle. Choisissez ensuite l'attribution de rôle que vous souhaitez désactiver.",
            "[Meld u aan bij Mijn eGov-profiel](link:profile) om uw rollentoekenningen te "
            "raadplegen. Kies daarna de rollentoekenning die u wilt deactiveren.",
            "[Melden Sie sich bei Mein eGov-Profil an](link:profile), um Ihre Rollenzuweisungen "
            "einzusehen. Wählen Sie dann die Rollenzuweisung aus, die Sie deaktivieren möchten.",
            "[Sign in to My eGov profile](link:profile) to view your role attributions. Then choose "
            "the role attribution you want to deactivate.",
        ),
        links=[("profile", "action", "profile")],
    ),
    answer(
        "user-change-email",
        "user",
        t(
            "... et je voudrais modifier l'adresse e-mail qui est liée à un ou à plusieurs rôle(s).",
            "... en ik wil het e-mailadres wijzigen dat aan een of meer rol(len) gekoppeld is.",
            "... und ich möchte die E-Mail-Adresse ändern, die mit einer oder mehreren Rolle(n) verknüpft ist.",
            "... and I would like to change the e-mail address linked to one or more role(s).",
        ),
        t(
            "[Connectez-vous à Ma gestion des rôles eGov](link:email) pour consulter vos "
            "attributions de rôle.\n"
            "Modifiez ensuite l'adresse e-mail qui est liée aux attributions de rôle de votre choix.",
            "[Meld u aan bij Mijn eGov-rollenbeheer](link:email) om uw rollentoekenningen te "
            "raadplegen.\n"
            "Wijzig daarna het e-mailadres dat gekoppeld is aan de rollentoekenningen van uw keuze.",
            "[Melden Sie sich bei Meine eGov-Rollenverwaltung an](link:email), um Ihre "
            "Rollenzuweisungen einzusehen.\n"
            "Ändern Sie dann die E-Mail-Adresse, die mit den Rollenzuweisungen Ihrer Wahl verknüpft ist.",
            "[Sign in to My eGov role management](link:email) to view your role attributions.\n"
            "Then change the e-mail address linked to the role attributions of your choice.",
        ),
        links=[("email", "action", "profile_email")],
    ),
]


# --- Mandates between enterprises (not in the seed: the portal's own pages) -------------------

MANDATES = ("mandates", "action", "mandates")
ENTERPRISES = ("enterprises", "action", "my_enterprises")

MANDATE_TASKS = {
    # profile page: [(task slug, label)]
    "legal-representative": [
        (
            "lr-mandates",
            t(
                "savoir ce qu'est un mandat entre entreprises et qui le gère",
                "weten wat een mandaat tussen ondernemingen is en wie het beheert",
                "wissen, was ein Mandat zwischen Unternehmen ist und wer es verwaltet",
                "know what a mandate between enterprises is and who manages it",
            ),
        )
    ],
    "rae": [
        (
            "rae-mandates",
            t(
                "proposer, valider ou refuser un mandat avec un secrétariat social ou un prestataire de services",
                "een mandaat met een sociaal secretariaat of een dienstverlener voorstellen, valideren of weigeren",
                "ein Mandat mit einem Sozialsekretariat oder einem Dienstleister vorschlagen, bestätigen oder ablehnen",
                "propose, validate or refuse a mandate with a social secretariat or a service provider",
            ),
        ),
        (
            "rae-mandates-end",
            t(
                "mettre fin à un mandat ou le transférer à un autre prestataire",
                "een mandaat beëindigen of het overdragen aan een andere dienstverlener",
                "ein Mandat beenden oder es an einen anderen Dienstleister übertragen",
                "end a mandate or transfer it to another provider",
            ),
        ),
        (
            "rae-mandates-bulk",
            t(
                "proposer des mandats à de nombreux clients à la fois, par un fichier CSV",
                "mandaten aan veel klanten tegelijk voorstellen, met een CSV-bestand",
                "vielen Kunden auf einmal Mandate vorschlagen, mit einer CSV-Datei",
                "propose mandates to many clients at once, with a CSV file",
            ),
        ),
        (
            "rae-mandates-validate-many",
            t(
                "valider en une fois les propositions de mandat qui attendent ma réponse",
                "de mandaatvoorstellen die op mijn antwoord wachten in één keer valideren",
                "die Mandatsvorschläge, die auf meine Antwort warten, auf einmal bestätigen",
                "validate at once the mandate proposals waiting for my answer",
            ),
        ),
    ],
    "local-manager": [
        (
            "gl-mandates-clients",
            t(
                "savoir où sont listés les clients pour lesquels mon entreprise agit",
                "weten waar de klanten staan voor wie mijn onderneming handelt",
                "wissen, wo die Kunden aufgeführt sind, für die mein Unternehmen handelt",
                "know where the clients my enterprise acts for are listed",
            ),
        ),
        (
            "gl-provider-staff-access",
            t(
                "donner à mon personnel l'accès aux applications d'un client",
                "mijn personeel toegang geven tot de toepassingen van een klant",
                "meinem Personal Zugang zu den Anwendungen eines Kunden geben",
                "give my staff access to a client's applications",
            ),
        ),
    ],
}
for _spec in PAGES:
    for _slug, _label in MANDATE_TASKS.get(_spec["slug"], []):
        _spec["choices"].append(("task", _slug, _label))

PAGES += [
    answer(
        "lr-mandates",
        "legal-representative",
        t(
            "... et je voudrais savoir ce qu'est un mandat entre entreprises.",
            "... en ik wil weten wat een mandaat tussen ondernemingen is.",
            "... und ich möchte wissen, was ein Mandat zwischen Unternehmen ist.",
            "... and I would like to know what a mandate between enterprises is.",
        ),
        t(
            "Votre entreprise (le client) peut donner à un secrétariat social ou à un prestataire de services un **mandat** pour agir en son nom dans un groupe d'applications, par exemple les déclarations de sécurité sociale (Dimona, DmfA, ...), à partir d'une date et jusqu'à une date éventuelle. Les déclarations se font par trimestre : pour ces applications, un mandat commence le premier jour d'un trimestre et se termine le dernier jour d'un trimestre.\n\n"
            "Les mandats sont gérés par les gestionnaires d'accès des deux entreprises : le Responsable Accès Entité (RAE) et les co-RAE. L'un propose, l'autre entreprise valide ou refuse ; l'un ou l'autre peut y mettre fin. En tant que représentant légal, vous désignez le RAE, qui gère ensuite les mandats. [Vos entreprises](link:enterprises)",
            "Uw onderneming (de klant) kan een sociaal secretariaat of een dienstverlener een **mandaat** geven om in haar naam te handelen in een groep toepassingen, bijvoorbeeld de socialezekerheidsaangiften (Dimona, DmfA, ...), vanaf een datum en eventueel tot een datum. Aangiften gebeuren per kwartaal: voor die toepassingen begint een mandaat op de eerste dag van een kwartaal en eindigt het op de laatste dag van een kwartaal.\n\n"
            "De mandaten worden beheerd door de toegangsbeheerders van beide ondernemingen: de hoofdtoegangsbeheerder (HTB) en de co-HTB's. De ene stelt voor, de andere onderneming valideert of weigert; elk van beide kan het beëindigen. Als wettelijke vertegenwoordiger duidt u de HTB aan, die daarna de mandaten beheert. [Uw ondernemingen](link:enterprises)",
            "Ihr Unternehmen (der Kunde) kann einem Sozialsekretariat oder einem Dienstleister ein **Mandat** erteilen, in seinem Namen in einer Gruppe von Anwendungen zu handeln, zum Beispiel bei den Sozialversicherungsmeldungen (Dimona, DmfA, ...), ab einem Datum und gegebenenfalls bis zu einem Datum. Meldungen erfolgen pro Quartal: Für diese Anwendungen beginnt ein Mandat am ersten Tag eines Quartals und endet am letzten Tag eines Quartals.\n\n"
            "Die Mandate werden von den Zugangsverwaltern beider Unternehmen verwaltet: dem Hauptzugangsverwalter (HZV) und den Co-HZV. Der eine schlägt vor, das andere Unternehmen bestätigt oder lehnt ab; jeder von beiden kann es beenden. Als gesetzlicher Vertreter benennen Sie den HZV, der danach die Mandate verwaltet. [Ihre Unternehmen](link:enterprises)",
            "Your enterprise (the client) can give a social secretariat or a service provider a **mandate** to act on its behalf in a group of applications, for instance the social-security declarations (Dimona, DmfA, ...), from a date and possibly until a date. Declarations are made by quarter: for these applications, a mandate starts on the first day of a quarter and ends on the last day of a quarter.\n\n"
            "Mandates are managed by the access managers of both enterprises: the Entity Access Manager (RAE) and the co-RAEs. One proposes, the other enterprise validates or refuses; either may end it. As legal representative, you designate the RAE, who then manages the mandates. [Your enterprises](link:enterprises)",
        ),
        links=[ENTERPRISES],
    ),
    answer(
        "rae-mandates",
        "rae",
        t(
            "... et je voudrais proposer, valider ou refuser un mandat.",
            "... en ik wil een mandaat voorstellen, valideren of weigeren.",
            "... und ich möchte ein Mandat vorschlagen, bestätigen oder ablehnen.",
            "... and I would like to propose, validate or refuse a mandate.",
        ),
        t(
            "[Ouvrez les mandats de votre entreprise](link:mandates) et choisissez « Proposer un mandat » : indiquez si votre entreprise est le client ou le prestataire, le numéro d'entreprise de l'autre, le groupe d'applications et les dates. Le prestataire doit avoir activé la qualité que le groupe requiert (secrétariat social ou prestataire de services).\n\n"
            "Les gestionnaires d'accès de l'autre entreprise reçoivent un e-mail et valident ou refusent la proposition sur la page du mandat ; sans réponse dans les 30 jours, elle expire. Un client n'a qu'un mandat actif par groupe d'applications et par période : une proposition qui en chevaucherait un autre est refusée, avec le nom du prestataire et les dates.",
            "[Open de mandaten van uw onderneming](link:mandates) en kies „Een mandaat voorstellen”: geef aan of uw onderneming de klant of de dienstverlener is, het ondernemingsnummer van de andere, de groep toepassingen en de data. De dienstverlener moet de hoedanigheid geactiveerd hebben die de groep vereist (sociaal secretariaat of dienstverlener).\n\n"
            "De toegangsbeheerders van de andere onderneming ontvangen een e-mail en valideren of weigeren het voorstel op de pagina van het mandaat; zonder antwoord binnen 30 dagen vervalt het. Een klant heeft maar één actief mandaat per groep toepassingen en per periode: een voorstel dat een ander zou overlappen, wordt geweigerd, met de naam van de dienstverlener en de data.",
            "[Öffnen Sie die Mandate Ihres Unternehmens](link:mandates) und wählen Sie „Ein Mandat vorschlagen“: Geben Sie an, ob Ihr Unternehmen der Kunde oder der Dienstleister ist, die Unternehmensnummer des anderen, die Anwendungsgruppe und die Daten. Der Dienstleister muss die Eigenschaft aktiviert haben, die die Gruppe verlangt (Sozialsekretariat oder Dienstleister).\n\n"
            "Die Zugangsverwalter des anderen Unternehmens erhalten eine E-Mail und bestätigen oder lehnen den Vorschlag auf der Seite des Mandats ab; ohne Antwort innerhalb von 30 Tagen läuft er ab. Ein Kunde hat nur ein aktives Mandat pro Anwendungsgruppe und Zeitraum: Ein Vorschlag, der sich mit einem anderen überschneiden würde, wird abgelehnt, mit dem Namen des Dienstleisters und den Daten.",
            "[Open your enterprise's mandates](link:mandates) and choose “Propose a mandate”: say whether your enterprise is the client or the provider, the other's enterprise number, the group of applications and the dates. The provider must have activated the quality the group requires (social secretariat or service provider).\n\n"
            "The other enterprise's access managers receive an e-mail and validate or refuse the proposal on the mandate's page; without an answer within 30 days it expires. A client has one active mandate per group of applications and period: a proposal that would overlap another is refused, with the provider's name and the dates.",
        ),
        links=[MANDATES],
    ),
    answer(
        "rae-mandates-end",
        "rae",
        t(
            "... et je voudrais mettre fin à un mandat ou le transférer.",
            "... en ik wil een mandaat beëindigen of overdragen.",
            "... und ich möchte ein Mandat beenden oder übertragen.",
            "... and I would like to end or transfer a mandate.",
        ),
        t(
            "[Ouvrez les mandats de votre entreprise](link:mandates), puis le mandat. Les gestionnaires d'accès de l'une ou l'autre entreprise peuvent y **mettre fin** : cela prend effet immédiatement, et le client peut le faire à tout moment.\n\n"
            "Le client peut aussi **transférer** le mandat à un autre prestataire à partir du premier jour d'un trimestre : quand le nouveau prestataire valide le transfert, l'ancien mandat se termine la veille et le nouveau commence ce jour-là, sans interruption ni chevauchement.",
            "[Open de mandaten van uw onderneming](link:mandates) en daarna het mandaat. De toegangsbeheerders van elk van beide ondernemingen kunnen het **beëindigen**: dat gaat onmiddellijk in, en de klant kan het op elk moment doen.\n\n"
            "De klant kan het mandaat ook **overdragen** aan een andere dienstverlener vanaf de eerste dag van een kwartaal: wanneer de nieuwe dienstverlener de overdracht valideert, eindigt het oude mandaat de dag ervoor en begint het nieuwe op die dag, zonder onderbreking of overlapping.",
            "[Öffnen Sie die Mandate Ihres Unternehmens](link:mandates) und dann das Mandat. Die Zugangsverwalter jedes der beiden Unternehmen können es **beenden**: Das wirkt sofort, und der Kunde kann es jederzeit tun.\n\n"
            "Der Kunde kann das Mandat auch ab dem ersten Tag eines Quartals an einen anderen Dienstleister **übertragen**: Sobald der neue Dienstleister die Übertragung bestätigt, endet das alte Mandat am Vortag und das neue beginnt an diesem Tag, ohne Lücke und ohne Überschneidung.",
            "[Open your enterprise's mandates](link:mandates), then the mandate. The access managers of either enterprise can **end** it: this takes effect at once, and the client may do so at any time.\n\n"
            "The client can also **transfer** the mandate to another provider from the first day of a quarter: when the new provider validates the transfer, the old mandate ends the day before and the new one starts that day, with no gap and no overlap.",
        ),
        links=[MANDATES],
    ),
    answer(
        "rae-mandates-bulk",
        "rae",
        t(
            "... et je voudrais proposer des mandats à de nombreux clients à la fois.",
            "... en ik wil mandaten aan veel klanten tegelijk voorstellen.",
            "... und ich möchte vielen Kunden auf einmal Mandate vorschlagen.",
            "... and I would like to propose mandates to many clients at once.",
        ),
        t(
            "Comme RAE ou co-RAE d'un secrétariat social ou d'un prestataire de services, [ouvrez les mandats de votre entreprise](link:mandates) et choisissez « Proposer des mandats depuis un fichier CSV ». Le fichier a une ligne par client : son numéro d'entreprise, le code du groupe d'applications, la date de début et, si le mandat en a une, la date de fin (un fichier d'exemple et la liste des codes sont sur la page). Il compte au plus 2 000 lignes.\n\n"
            "Avant que rien ne soit proposé, vous voyez chaque ligne avec ses erreurs (numéro inconnu, client non enregistré, date hors trimestre, mandat qui en chevaucherait un autre) ; vous confirmez ensuite les lignes valables. Les propositions sont faites en arrière-plan, et la page de suivi montre leur progression. Les gestionnaires d'accès de chaque client reçoivent un e-mail et valident ou refusent la leur.",
            "Als HTB of co-HTB van een sociaal secretariaat of een dienstverlener [opent u de mandaten van uw onderneming](link:mandates) en kiest u „Mandaten voorstellen vanuit een CSV-bestand”. Het bestand heeft één regel per klant: zijn ondernemingsnummer, de code van de groep toepassingen, de begindatum en, als het mandaat er een heeft, de einddatum (een voorbeeldbestand en de lijst van de codes staan op de pagina). Het telt ten hoogste 2.000 regels.\n\n"
            "Voordat er iets wordt voorgesteld, ziet u elke regel met zijn fouten (onbekend nummer, klant niet geregistreerd, datum buiten het kwartaal, mandaat dat een ander zou overlappen); daarna bevestigt u de geldige regels. De voorstellen worden op de achtergrond gedaan, en de opvolgingspagina toont hoe ver ze staan. De toegangsbeheerders van elke klant ontvangen een e-mail en valideren of weigeren het hunne.",
            "Als HZV oder Co-HZV eines Sozialsekretariats oder eines Dienstleisters [öffnen Sie die Mandate Ihres Unternehmens](link:mandates) und wählen Sie „Mandate aus einer CSV-Datei vorschlagen“. Die Datei hat eine Zeile pro Kunde: seine Unternehmensnummer, den Code der Anwendungsgruppe, das Anfangsdatum und, wenn das Mandat eines hat, das Enddatum (eine Beispieldatei und die Liste der Codes stehen auf der Seite). Sie umfasst höchstens 2.000 Zeilen.\n\n"
            "Bevor etwas vorgeschlagen wird, sehen Sie jede Zeile mit ihren Fehlern (unbekannte Nummer, Kunde nicht registriert, Datum außerhalb des Quartals, Mandat, das sich mit einem anderen überschneiden würde); danach bestätigen Sie die gültigen Zeilen. Die Vorschläge werden im Hintergrund gemacht, und die Verfolgungsseite zeigt ihren Fortschritt. Die Zugangsverwalter jedes Kunden erhalten eine E-Mail und bestätigen oder lehnen ihren Vorschlag ab.",
            "As RAE or co-RAE of a social secretariat or a service provider, [open your enterprise's mandates](link:mandates) and choose “Propose mandates from a CSV file”. The file has one row per client: its enterprise number, the code of the group of applications, the start date and, if the mandate has one, the end date (an example file and the list of codes are on the page). It holds at most 2,000 rows.\n\n"
            "Before anything is proposed, you see every row with its errors (unknown number, client not registered, a date off the quarter, a mandate that would overlap another); you then confirm the valid rows. The proposals are made in the background, and the progress page shows how far they are. Each client's access managers receive an e-mail and validate or refuse theirs.",
        ),
        links=[MANDATES],
    ),
    answer(
        "rae-mandates-validate-many",
        "rae",
        t(
            "... et je voudrais valider en une fois les propositions qui attendent ma réponse.",
            "... en ik wil de voorstellen die op mijn antwoord wachten in één keer valideren.",
            "... und ich möchte die Vorschläge, die auf meine Antwort warten, auf einmal bestätigen.",
            "... and I would like to validate at once the proposals waiting for my answer.",
        ),
        t(
            "[Ouvrez les mandats de votre entreprise](link:mandates) et choisissez « Propositions en attente de votre réponse » : elles y sont listées avec le prestataire ou le client, les applications, la période et la date d'expiration. Cochez celles que vous acceptez et choisissez « Valider la sélection », ou « Tout valider » (au plus 500 à la fois).\n\n"
            "Chaque proposition est vérifiée à nouveau au moment de la validation : celle qui chevaucherait un mandat actif, ou dont le prestataire n'a plus la qualité requise, est refusée, avec la raison. La page suivante dit lesquelles ont été validées et lesquelles non. Pour refuser une proposition, ouvrez-la.",
            "[Open de mandaten van uw onderneming](link:mandates) en kies „Voorstellen die op uw antwoord wachten”: ze staan er met de dienstverlener of de klant, de toepassingen, de periode en de vervaldatum. Vink de voorstellen aan die u aanvaardt en kies „De geselecteerde valideren”, of „Alles valideren” (hoogstens 500 tegelijk).\n\n"
            "Elk voorstel wordt bij de validatie opnieuw gecontroleerd: een voorstel dat een actief mandaat zou overlappen, of waarvan de dienstverlener de vereiste hoedanigheid niet meer heeft, wordt geweigerd, met de reden. De volgende pagina zegt welke gevalideerd zijn en welke niet. Om een voorstel te weigeren, opent u het.",
            "[Öffnen Sie die Mandate Ihres Unternehmens](link:mandates) und wählen Sie „Vorschläge, die auf Ihre Antwort warten“: Sie sind dort mit dem Dienstleister oder dem Kunden, den Anwendungen, dem Zeitraum und dem Ablaufdatum aufgeführt. Kreuzen Sie die an, die Sie annehmen, und wählen Sie „Die ausgewählten bestätigen“ oder „Alle bestätigen“ (höchstens 500 auf einmal).\n\n"
            "Jeder Vorschlag wird bei der Bestätigung erneut geprüft: Einer, der sich mit einem aktiven Mandat überschneiden würde oder dessen Dienstleister die verlangte Eigenschaft nicht mehr hat, wird abgelehnt, mit dem Grund. Die nächste Seite sagt, welche bestätigt wurden und welche nicht. Um einen Vorschlag abzulehnen, öffnen Sie ihn.",
            "[Open your enterprise's mandates](link:mandates) and choose “Proposals waiting for your answer”: they are listed there with the provider or the client, the applications, the period and the expiry date. Tick those you accept and choose “Validate the selected”, or “Validate all” (at most 500 at once).\n\n"
            "Each proposal is checked again when validated: one that would overlap an active mandate, or whose provider no longer has the required quality, is refused, with the reason. The next page says which were validated and which were not. To refuse a proposal, open it.",
        ),
        links=[MANDATES],
    ),
    answer(
        "gl-mandates-clients",
        "local-manager",
        t(
            "... et je voudrais savoir où sont listés les clients de mon entreprise.",
            "... en ik wil weten waar de klanten van mijn onderneming staan.",
            "... und ich möchte wissen, wo die Kunden meines Unternehmens aufgeführt sind.",
            "... and I would like to know where my enterprise's clients are listed.",
        ),
        t(
            "Les clients pour lesquels votre entreprise (secrétariat social, prestataire de services) agit sous mandat sont listés dans les **mandats** de l'entreprise, que gèrent son Responsable Accès Entité (RAE) et ses co-RAE : demandez-leur la liste ou l'export CSV. [Vos entreprises](link:enterprises)",
            "De klanten voor wie uw onderneming (sociaal secretariaat, dienstverlener) onder mandaat handelt, staan in de **mandaten** van de onderneming, die haar hoofdtoegangsbeheerder (HTB) en co-HTB's beheren: vraag hun de lijst of de CSV-export. [Uw ondernemingen](link:enterprises)",
            "Die Kunden, für die Ihr Unternehmen (Sozialsekretariat, Dienstleister) im Auftrag handelt, sind in den **Mandaten** des Unternehmens aufgeführt, die sein Hauptzugangsverwalter (HZV) und seine Co-HZV verwalten: Fragen Sie sie nach der Liste oder dem CSV-Export. [Ihre Unternehmen](link:enterprises)",
            "The clients your enterprise (social secretariat, service provider) acts for under a mandate are listed in the enterprise's **mandates**, which its Entity Access Manager (RAE) and co-RAEs manage: ask them for the list or the CSV export. [Your enterprises](link:enterprises)",
        ),
        links=[ENTERPRISES],
    ),
    answer(
        "gl-provider-staff-access",
        "local-manager",
        t(
            "... et je voudrais donner à mon personnel l'accès aux applications d'un client.",
            "... en ik wil mijn personeel toegang geven tot de toepassingen van een klant.",
            "... und ich möchte meinem Personal Zugang zu den Anwendungen eines Kunden geben.",
            "... and I would like to give my staff access to a client's applications.",
        ),
        t(
            "Comme gestionnaire local de la qualité secrétariat social ou prestataire de services de votre entreprise, [ouvrez la page « Clients »](link:clients) : elle liste les clients pour lesquels votre entreprise agit sous un mandat actif. Cherchez le client par son numéro d'entreprise ou son nom, puis choisissez comment donner les rôles à votre personnel : attribution directe, invitation par e-mail, lien publié ou fichier CSV.\n\n"
            "Les rôles offerts sont ceux du client pour les applications du mandat. Votre collaborateur agit « pour le client, via votre entreprise » ; ses rôles prennent fin quand le mandat prend fin ou est transféré, et vous en êtes averti par e-mail.",
            "Als lokale beheerder van de hoedanigheid sociaal secretariaat of dienstverlener van uw onderneming [opent u de pagina „Klanten”](link:clients): daar staan de klanten voor wie uw onderneming onder een actief mandaat handelt. Zoek de klant op ondernemingsnummer of naam en kies hoe u uw personeel de rollen geeft: rechtstreekse toekenning, uitnodiging per e-mail, gepubliceerde link of CSV-bestand.\n\n"
            "De aangeboden rollen zijn die van de klant voor de toepassingen van het mandaat. Uw medewerker handelt „voor de klant, via uw onderneming”; zijn rollen eindigen wanneer het mandaat eindigt of wordt overgedragen, en u wordt per e-mail verwittigd.",
            "Als lokaler Verwalter der Eigenschaft Sozialsekretariat oder Dienstleister Ihres Unternehmens [öffnen Sie die Seite „Kunden“](link:clients): Sie führt die Kunden auf, für die Ihr Unternehmen im Rahmen eines aktiven Mandats handelt. Suchen Sie den Kunden nach Unternehmensnummer oder Namen und wählen Sie, wie Sie Ihrem Personal die Rollen geben: direkte Zuweisung, Einladung per E-Mail, veröffentlichter Link oder CSV-Datei.\n\n"
            "Angeboten werden die Rollen des Kunden für die Anwendungen des Mandats. Ihr Mitarbeiter handelt „für den Kunden, über Ihr Unternehmen“; seine Rollen enden, wenn das Mandat endet oder übertragen wird, und Sie werden per E-Mail benachrichtigt.",
            "As local manager of your enterprise's social secretariat or service provider quality, [open the “Clients” page](link:clients): it lists the clients your enterprise acts for under an active mandate. Find the client by its enterprise number or name, then choose how to give your staff the roles: direct attribution, e-mail invitation, published link or CSV file.\n\n"
            "The roles offered are the client's, for the mandate's applications. Your staff member acts “for the client, through your enterprise”; their roles end when the mandate ends or is transferred, and you are told by e-mail.",
        ),
        links=[("clients", "action", "provider_clients")],
    ),
]
