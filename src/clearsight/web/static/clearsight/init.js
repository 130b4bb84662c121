// Marks the page as running GOV.UK Frontend's scripts, then starts its components. An external module
// rather than GOV.UK's inline snippet, so that the Content-Security-Policy allows no inline script.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
