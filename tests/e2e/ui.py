"""Everything that knows Home Assistant's web UI: selectors and how to use them.

Home Assistant's frontend is made of web components, one shadow root inside
the next, so a CSS selector cannot reach most things from the document. The
JavaScript below walks every shadow root. Elements are found by what a person
sees (a button's text), by Home Assistant's own data (a form field's schema
name, an entity row's entity id, a list item's link or integration domain),
or by a slot name, never by position. When a frontend release renames a
component, the selectors at the top of this file are the place to change.
Checked against frontend 20260930 (Home Assistant 2026.10).
"""

from __future__ import annotations

from collections.abc import Callable
import re
from typing import Any

from selenium.common.exceptions import (
    ElementClickInterceptedException,
    ElementNotInteractableException,
    StaleElementReferenceException,
)
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

from .harness import HA_URL, wait_for

# --- selectors (deep: matched inside every shadow root) ---------------------
# The "Loading…" screen of index.html (an id in the document itself).
LAUNCH_SCREEN = "ha-launch-screen"
LOGIN_USERNAME = 'input[name="username"]'
LOGIN_PASSWORD = 'input[name="password"]'
BUTTON = "ha-button"
# Any element whose `href` property is a path: sidebar entries, the Settings
# and profile dashboards' list items.
LINK_ITEM = "ha-list-item-button"
SIDEBAR_CONFIG = "#sidebar-config"
SIDEBAR_PROFILE = "#sidebar-profile"
ADD_INTEGRATION = 'ha-button[slot="fab"]'
ADD_INTEGRATION_DIALOG = "dialog-add-integration"
SEARCH_INPUT = "ha-input-search"
INTEGRATION_ITEM = "ha-integration-list-item"
FLOW_DIALOG = "dialog-data-entry-flow"
FLOW_FORM = "step-flow-form"
FLOW_MENU = "step-flow-menu"
FLOW_MENU_ITEM = "ha-list-item"
FLOW_SUBMIT = 'ha-button[slot="primaryAction"]'
FLOW_CLOSE = 'ha-icon-button[slot="headerNavigationIcon"]'
RADIO_OPTION = "ha-radio-option"
NUMBER_SELECTOR = "ha-selector-number"
ENTITY_ROW = "hui-generic-entity-row"
ENTITY_TOGGLE = "ha-entity-toggle"
SWITCH = "ha-switch"
LANGUAGE_PICKER = "ha-language-picker"
PICKER_FIELD = "ha-picker-field"
PICKER_COMBO_BOX = "ha-picker-combo-box"
COMBO_BOX_ITEM = "ha-combo-box-item"
PROFILE_LOCALIZATION = "/profile/localization"
DEVICES_AND_SERVICES = "/config/integrations"

# Helpers every script gets. deepAll: querySelectorAll through shadow roots.
# visibleText: the text a person sees (slots resolved, hidden parts skipped).
_LIB = r"""
const deepAll = (sel, root) => {
  const out = [];
  const walk = (node) => {
    node.querySelectorAll(sel).forEach((e) => out.push(e));
    node.querySelectorAll('*').forEach((e) => { if (e.shadowRoot) walk(e.shadowRoot); });
  };
  root = root || document;
  walk(root);
  if (root.shadowRoot) walk(root.shadowRoot);
  return out;
};
// display: contents has no box of its own (checkVisibility says false); its
// children decide.
const isShown = (el) =>
  getComputedStyle(el).display === 'contents' || el.checkVisibility({visibilityProperty: true});
const visibleText = (node) => {
  if (node.nodeType === Node.TEXT_NODE) return node.textContent;
  if (node.nodeType === Node.DOCUMENT_FRAGMENT_NODE || node.nodeType === Node.DOCUMENT_NODE)
    return [...node.childNodes].map(visibleText).join(' ');
  if (node.nodeType !== Node.ELEMENT_NODE) return '';
  if (['STYLE', 'SCRIPT', 'TEMPLATE', 'svg'].includes(node.tagName)) return '';
  if (!isShown(node)) return '';
  if (node.tagName === 'SLOT') {
    const assigned = node.assignedNodes({flatten: true});
    return (assigned.length ? assigned : [...node.childNodes]).map(visibleText).join(' ');
  }
  const children = node.shadowRoot ? [...node.shadowRoot.childNodes] : [...node.childNodes];
  let text = children.map(visibleText).join(' ');
  if (['INPUT', 'TEXTAREA'].includes(node.tagName) && node.type !== 'password') {
    text += ' ' + (node.value || '');
  }
  return text;
};
const firstInput = (root) => deepAll('input', root)[0] || null;
"""


class Ui:
    """One browser tab on the instance's web UI."""

    def __init__(self, driver: WebDriver) -> None:
        """Drive this browser."""
        self.driver = driver

    # --- generic ------------------------------------------------------------

    def js(self, body: str, *args: Any) -> Any:
        """Run JavaScript with the deep-query helpers in scope."""
        return self.driver.execute_script(_LIB + body, *args)

    def all(self, selector: str, root: WebElement | None = None) -> list[WebElement]:
        """Every element matching selector, through shadow roots."""
        result: list[WebElement] = self.js(
            "return deepAll(arguments[0], arguments[1]);", selector, root
        )
        return result

    def visible(self, element: WebElement) -> bool:
        """Whether the element is rendered and not hidden (through shadow roots)."""
        return bool(self.js("return isShown(arguments[0]);", element))

    def text(self, element: WebElement | None = None) -> str:
        """What a person sees of an element (or the page), white space squeezed."""
        raw = self.js("return visibleText(arguments[0] || document.body);", element)
        return re.sub(r"\s+", " ", str(raw)).strip()

    def wait(
        self,
        selector: str,
        *,
        text: str | None = None,
        where: Callable[[WebElement], bool] | None = None,
        root: Callable[[], WebElement | None] | None = None,
        timeout: float = 30,
    ) -> WebElement:
        """The first visible element matching selector (and text / a predicate)."""

        def probe() -> WebElement | None:
            scope = None
            if root is not None:
                scope = root()
                if scope is None:
                    return None
            for element in self.all(selector, scope):
                try:
                    if not self.visible(element):
                        continue
                    if text is not None and text not in self.text(element):
                        continue
                    if where is not None and not where(element):
                        continue
                except StaleElementReferenceException:
                    continue
                return element
            return None

        what = selector + (f" with text {text!r}" if text else "")
        return wait_for(what, probe, timeout)

    def click(self, element: WebElement, timeout: float = 10) -> None:
        """Click like a person (retrying while an animation covers it)."""
        self.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});", element
        )

        def attempt() -> bool:
            try:
                element.click()
            except (ElementClickInterceptedException, ElementNotInteractableException):
                return False
            return True

        wait_for(f"{element.tag_name} to take a click", attempt, timeout)

    def button(self, label: str, root: Callable[[], WebElement | None] | None = None) -> None:
        """Click the button that shows this text."""
        self.click(self.wait(BUTTON, root=root, where=lambda b: self.text(b) == label))

    def go(self, path: str) -> None:
        """Open a page of the UI by its path (as typing it into the address bar)."""
        self.driver.get(HA_URL + path)
        self.wait_started()

    def wait_started(self, timeout: float = 60) -> None:
        """Until the frontend has replaced its launch screen ("Loading…") with a page."""
        wait_for(
            "the launch screen to go",
            lambda: self.driver.execute_script(
                f"return !document.getElementById('{LAUNCH_SCREEN}');"
            ),
            timeout,
        )

    def follow(self, href: str, timeout: float = 30) -> None:
        """Click the list item or sidebar entry that links to href."""
        item = self.wait(
            LINK_ITEM,
            where=lambda e: self.driver.execute_script("return arguments[0].href", e) == href,
            timeout=timeout,
        )
        self.click(item)
        wait_for(f"the page {href}", lambda: self.path().startswith(href), 15)

    def path(self) -> str:
        """The path of the page shown."""
        return str(self.driver.execute_script("return location.pathname"))

    def type_into(self, field: WebElement, value: str) -> None:
        """Replace a text field's content the way a person does (select all, type).

        Keyboard actions go to whatever has the focus. Element "send keys"
        would not do: inside a shadow root the input is never the document's
        active element, so each call moves the caret to the end first and a
        selection made before is lost ("Gas stoveWok stove").
        """
        self.click(field)
        (
            ActionChains(self.driver)
            .key_down(Keys.CONTROL)
            .send_keys("a")
            .key_up(Keys.CONTROL)
            .send_keys(value)
            .perform()
        )
        wait_for(
            f"the field to hold {value!r}",
            lambda: self.driver.execute_script("return arguments[0].value", field) == value,
            5,
        )

    def reload(self) -> None:
        """Reload the page."""
        self.driver.refresh()
        self.wait_started()

    def user_language(self) -> str:
        """The language the frontend runs in (hass.language)."""
        return str(
            self.driver.execute_script(
                "const ha = document.querySelector('home-assistant');"
                "return ha && ha.hass ? ha.hass.language : '';"
            )
        )

    # --- login --------------------------------------------------------------

    def wait_login_form(self) -> None:
        """Until the login page asks for a user name."""
        self.wait(LOGIN_USERNAME)

    def log_in(self, username: str, password: str) -> None:
        """Fill the login form and press Log in."""
        self.type_into(self.wait(LOGIN_USERNAME), username)
        self.type_into(self.wait(LOGIN_PASSWORD), password)
        self.button("Log in")

    def wait_logged_in(self, timeout: float = 60) -> None:
        """Until the frontend runs with a connected backend (past the auth pages)."""
        wait_for(
            "the frontend to be connected and logged in",
            lambda: "/auth/" not in self.path()
            and self.driver.execute_script(
                "const ha = document.querySelector('home-assistant');"
                "return !!(ha && ha.hass && ha.hass.connected && ha.hass.user);"
            ),
            timeout,
        )
        self.wait_started()
        self.wait(SIDEBAR_CONFIG)

    # --- config flow --------------------------------------------------------

    def open_add_integration(self, search: str, domain: str) -> None:
        """Settings → Devices & services → Add integration → search → the integration."""
        self.click(self.wait(SIDEBAR_CONFIG))
        self.follow(DEVICES_AND_SERVICES)
        self.click(self.wait(ADD_INTEGRATION))
        dialog = self.wait(ADD_INTEGRATION_DIALOG)
        search_box = self.wait("input", root=lambda: self._one(SEARCH_INPUT, dialog))
        search_box.send_keys(search)
        item = self.wait(
            INTEGRATION_ITEM,
            where=lambda e: (
                self.driver.execute_script("return (arguments[0].integration || {}).domain", e)
                == domain
            ),
        )
        self.click(item)
        self.wait(FLOW_FORM, root=self.flow_dialog)

    def _one(self, selector: str, root: WebElement) -> WebElement | None:
        found = self.all(selector, root)
        return found[0] if found else None

    def flow_dialog(self) -> WebElement | None:
        """The open config-flow dialog, if any."""
        dialogs = [d for d in self.all(FLOW_DIALOG) if self.text(d)]
        return dialogs[-1] if dialogs else None

    def flow_text(self) -> str:
        """What the config-flow dialog shows (title, texts, labels, options)."""
        dialog = self.flow_dialog()
        return self.text(dialog) if dialog is not None else ""

    def wait_flow_step(self, title: str, timeout: float = 20) -> None:
        """Until the dialog shows the step with this title (and its form or menu)."""
        wait_for(f"the flow step {title!r}", lambda: title in self.flow_text(), timeout)

    def flow_input(self, name: str) -> WebElement:
        """A text field of the form, by the schema name Home Assistant gives it."""
        return self.wait(f'input[name="{name}"]', root=self.flow_dialog)

    def flow_fill(self, name: str, value: str) -> None:
        """Type into a text field of the form."""
        self.type_into(self.flow_input(name), value)

    def flow_number(self, name: str, value: int) -> None:
        """Type into a number field of the form (a number box, as siid/piid are)."""
        selector = self.wait(
            NUMBER_SELECTOR,
            root=self.flow_dialog,
            where=lambda e: self.driver.execute_script("return arguments[0].name", e) == name,
        )
        self.type_into(self.wait("input", root=lambda: selector), str(value))
        wait_for(
            f"{name} to read {value}",
            lambda: str(self.driver.execute_script("return arguments[0].value", selector))
            == str(value),
            5,
        )

    def flow_choose(self, label: str) -> None:
        """Pick the radio option that shows this text."""
        option = self.wait(
            RADIO_OPTION, root=self.flow_dialog, where=lambda o: self.text(o) == label
        )
        self.click(option)
        wait_for(
            f"{label!r} to be chosen",
            lambda: self.driver.execute_script("return arguments[0].checked", option),
            5,
        )

    def flow_submit(self) -> None:
        """Press the dialog's main button (Submit, Finish, …)."""
        self.click(self.wait(FLOW_SUBMIT, root=self.flow_dialog))

    def flow_menu(self, label: str) -> None:
        """Pick an entry of a menu step."""
        item = self.wait(
            FLOW_MENU_ITEM, root=self.flow_dialog, where=lambda i: self.text(i) == label
        )
        self.click(item)

    def flow_close(self) -> None:
        """Close the dialog with its ✕ (abandons the flow)."""
        self.click(self.wait(FLOW_CLOSE, root=self.flow_dialog))
        wait_for("the flow dialog to close", lambda: self.flow_dialog() is None, 10)

    # --- a device page ------------------------------------------------------

    def open_device(self, device_id: str, entity_id: str) -> None:
        """The device's page, once the row of entity_id is shown."""
        self.go(f"/config/devices/device/{device_id}")
        self.row(entity_id)

    def row(self, entity_id: str, timeout: float = 30) -> WebElement:
        """The entity row of a device page (or any card) showing entity_id."""
        return self.wait(
            ENTITY_ROW,
            where=lambda r: self.driver.execute_script(
                "return (arguments[0].config || {}).entity", r
            )
            == entity_id,
            timeout=timeout,
        )

    def scroll_to(self, entity_id: str) -> None:
        """Bring a row into view (before a screenshot)."""
        self.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center'});", self.row(entity_id)
        )

    def row_state(self, entity_id: str) -> str:
        """The state a row shows (its text without the entity's name)."""
        row = self.row(entity_id)
        return re.sub(
            r"\s+",
            " ",
            str(
                self.js(
                    "return [...arguments[0].childNodes].map(visibleText).join(' ');",
                    row,
                )
            ),
        ).strip()

    def toggle(self, entity_id: str) -> None:
        """Flip the switch in an entity's row."""
        self.click(self._switch(entity_id))

    def toggle_is_on(self, entity_id: str) -> bool:
        """Whether the row's switch shows on."""
        return bool(
            self.driver.execute_script("return arguments[0].checked", self._switch(entity_id))
        )

    def _switch(self, entity_id: str) -> WebElement:
        row = self.row(entity_id)
        return self.wait(SWITCH, root=lambda: self._one(ENTITY_TOGGLE, row))

    def set_number(self, entity_id: str, value: int) -> None:
        """Type a value into a number row's box and press Enter."""
        box = self._number_box(entity_id)
        self.type_into(box, str(value))
        box.send_keys(Keys.ENTER)

    def number_shown(self, entity_id: str) -> str:
        """The value a number row's box shows."""
        return str(
            self.driver.execute_script("return arguments[0].value", self._number_box(entity_id))
        )

    def _number_box(self, entity_id: str) -> WebElement:
        row = self.row(entity_id)
        box = self.js("return firstInput(arguments[0]);", row)
        assert box is not None, f"no input in the row of {entity_id}"
        return box  # type: ignore[no-any-return]

    # --- profile ------------------------------------------------------------

    def set_language(self, search: str, native_name: str) -> None:
        """Profile → Localization → Language: search and pick a language."""
        self.click(self.wait(SIDEBAR_PROFILE))
        self.follow(PROFILE_LOCALIZATION)
        picker = self.wait(LANGUAGE_PICKER)
        self.click(self.wait(PICKER_FIELD, root=lambda: picker))
        combo = self.wait(PICKER_COMBO_BOX, root=lambda: picker)
        search_box = self.wait("input", root=lambda: self._one(SEARCH_INPUT, combo))
        search_box.send_keys(search)
        item = self.wait(
            COMBO_BOX_ITEM, root=lambda: combo, where=lambda i: self.text(i).startswith(native_name)
        )
        self.click(item)
