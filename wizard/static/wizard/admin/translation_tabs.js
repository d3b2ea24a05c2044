// Accessibility of the editors' language tabs (modeltranslation's, built on jQuery UI).
// Loaded after modeltranslation's script and before the page is ready, when it builds them.
"use strict";
(function ($) {
  // jQuery UI gives each tab (an <li role="tab">, which takes the focus) a link inside it:
  // a second focusable element nested in an interactive one, which screen readers and axe
  // refuse. Once the tabs know their panels, the links lose their href (kept aside for a
  // refresh), so the <li> alone is the tab; clicks on the text still reach jQuery UI's handler.
  $.widget("ui.tabs", $.ui.tabs, {
    _processTabs: function () {
      this.element.find("a[data-tab-href]").each(function () {
        this.setAttribute("href", this.getAttribute("data-tab-href"));
        this.removeAttribute("data-tab-href");
      });
      this._super();
      this.anchors.each(function () {
        this.setAttribute("data-tab-href", this.getAttribute("href"));
        this.removeAttribute("href");
      });
    },
    // A link without href is one of ours: its panel is on the page (nothing to fetch).
    _isLocal: function (anchor) {
      return anchor.hasAttribute("data-tab-href") || this._super(anchor);
    },
  });

  // The switch modeltranslation adds beside the page's title has no label: name it from the
  // (translated) text the change form renders. Runs after modeltranslation's ready handler.
  $(function () {
    var select = document.getElementById("modeltranslation-main-switch");
    var label = document.getElementById("translation-switch-label");
    if (select && label) {
      select.setAttribute("aria-labelledby", label.id);
    }
  });
})(django.jQuery);
