"""GIMP as its users run it in multi-window mode: an image window, the toolbox and
the Layers dock, the last two X11 utility windows (Debian's default session is one
window). Its own HOME, so no user's settings or sessions come in."""
import os
import tempfile

SESSIONRC = """
(session-info "toplevel" (factory-entry "gimp-empty-image-window") (size 400 300))
(session-info "toplevel" (factory-entry "gimp-toolbox-window") (size 188 500) (open-on-exit)
    (gimp-toolbox (side left) (book (dockable "gimp-tool-options" (tab-style automatic)))))
(session-info "toplevel" (factory-entry "gimp-dock-window") (size 205 500) (open-on-exit)
    (gimp-dock (side right) (book (dockable "gimp-layer-list" (tab-style automatic)))))
(hide-docks no)
(single-window-mode no)
"""


def start_gimp(procs, comp):
    """Starts GIMP on the compositor's Xwayland; returns its (toolbox, dock, image
    window) as `porthole windows` lists them."""
    home = tempfile.mkdtemp(prefix="porthole-gimp-")
    procs.dirs.append(home)
    config = os.path.join(home, "config", "GIMP", "2.10")
    os.makedirs(config)
    with open(os.path.join(config, "sessionrc"), "w") as f:
        f.write(SESSIONRC)
    comp.procs.start(["gimp", "--no-splash", "--new-instance", "--no-data"],
                     env=dict(comp.env, HOME=home, XDG_CONFIG_HOME=os.path.join(home, "config"),
                              XDG_CACHE_HOME=os.path.join(home, "cache"), GDK_BACKEND="x11"),
                     log=os.path.join(tempfile.gettempdir(), "porthole-gimp.log"))
    toolbox = comp.wait_window(lambda w: w["title"].startswith("Toolbox"), 60, "GIMP's toolbox in the list")
    dock = comp.wait_window(lambda w: w["title"] == "Layers", 30, "GIMP's Layers dock in the list")
    image = comp.wait_window(lambda w: w["title"] == "GNU Image Manipulation Program", 30, "GIMP's image window")
    return toolbox, dock, image
