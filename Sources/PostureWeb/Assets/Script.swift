/// The one script: progressive enhancement only (every page works without it). It copies share
/// links to the clipboard and closes the action flyout with Escape.
enum Script {
    static let javascript = """
        document.addEventListener("click", function (event) {
          var button = event.target.closest("[data-copy]");
          if (!button || !navigator.clipboard) return;
          navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
            button.textContent = "Link copied";
          });
        });
        document.addEventListener("keydown", function (event) {
          if (event.key !== "Escape") return;
          var close = document.querySelector(".flyout .close");
          if (close) window.location.href = close.getAttribute("href");
        });
        """
}
