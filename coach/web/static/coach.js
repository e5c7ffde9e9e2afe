// coach's page: make a session through the JSON API, then play it with its chapters.
// Plain DOM code with no build step; every text from the server goes in through textContent.
"use strict";

(() => {
  const base = document.body.dataset.base || "";
  const $ = (id) => document.getElementById(id);
  const audio = $("audio");
  const POLL_MS = 400;
  // "Previous" restarts the current exercise unless it has only just begun, as music players do.
  const RESTART_GRACE_S = 3;

  let chapters = [];
  let current = null; // the session being played: {id, title, cover}

  const show = (id, visible) => { $(id).hidden = !visible; };

  const clock = (seconds) => {
    const s = Math.max(0, Math.floor(seconds || 0));
    const m = Math.floor(s / 60);
    return `${m}:${String(s % 60).padStart(2, "0")}`;
  };

  async function api(path, init) {
    const response = await fetch(`${base}/api${path}`, init);
    let body = {};
    try { body = await response.json(); } catch (_) { /* an empty or non-JSON answer */ }
    if (!response.ok) {
      throw new Error(body.error || `The server answered ${response.status}.`);
    }
    return body;
  }

  // -- the form ------------------------------------------------------------------------------

  function request() {
    const form = $("session-form");
    const data = new FormData(form);
    const exercises = data.getAll("exercise");
    const routine = data.get("routine");
    const targets = exercises.length ? exercises : (routine ? [routine] : []);
    const options = {
      pace: data.get("pace") || "normal",
      level: data.get("level") || undefined,
      guidance: data.get("guidance") || undefined,
      breath_tones: data.get("breath_tones") === "on",
    };
    const reps = (data.get("reps") || "").trim();
    if (reps) options.reps = reps;
    const voice = data.get("voice");
    if (voice) options.voice = voice;
    return { targets, options };
  }

  function formError(message) {
    $("form-error").textContent = message || "";
    show("form-error", Boolean(message));
  }

  // A routine or a list of exercises, never both: choosing one clears the other.
  $("exercise-picker").addEventListener("change", () => {
    const any = document.querySelectorAll('input[name="exercise"]:checked').length > 0;
    if (any) $("routine").value = "";
  });
  $("routine").addEventListener("change", () => {
    if (!$("routine").value) return;
    document.querySelectorAll('input[name="exercise"]:checked').forEach((box) => { box.checked = false; });
  });

  $("session-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    formError("");
    const body = request();
    if (!body.targets.length) {
      formError("Pick a routine or at least one exercise.");
      return;
    }
    $("make").disabled = true;
    try {
      const { id } = await api("/sessions", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      await follow(id);
    } catch (error) {
      formError(error.message);
      show("progress", false);
    } finally {
      $("make").disabled = false;
    }
  });

  // -- rendering progress --------------------------------------------------------------------

  async function follow(id) {
    show("progress", true);
    $("progress-bar").value = 0;
    $("progress-text").textContent = "Waiting to start…";
    for (;;) {
      const status = await api(`/sessions/${encodeURIComponent(id)}`);
      if (status.state === "ready") {
        show("progress", false);
        await open(id, status);
        refreshRecent();
        return;
      }
      if (status.state === "failed") {
        show("progress", false);
        refreshRecent();
        throw new Error(`This session could not be made: ${status.error}`);
      }
      $("progress-bar").value = status.progress || 0;
      $("progress-text").textContent = status.progress > 0
        ? `Rendering… ${Math.round(status.progress * 100)}%`
        : (status.queued ? `Waiting for ${status.queued} session(s) ahead…` : "Starting…");
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  // -- the player ----------------------------------------------------------------------------

  async function open(id, status) {
    const response = await fetch(status.chapters);
    if (!response.ok) throw new Error("The chapter list could not be loaded.");
    chapters = (await response.json()).chapters || [];
    current = { id, title: status.title, cover: status.cover };
    $("player-title").textContent = status.title;
    $("download").href = status.audio;
    $("download").setAttribute("download", status.filename || "coach.mp3");
    audio.src = status.audio;
    $("seek").max = String(Math.round(status.duration_s));
    $("total").textContent = clock(status.duration_s);
    buildChapters();
    show("choose", false);
    show("player", true);
    setupMediaSession();
    update();
    $("player").scrollIntoView({ behavior: "smooth", block: "start" });
  }

  function buildChapters() {
    const list = $("chapters");
    list.replaceChildren();
    chapters.forEach((chapter, index) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.index = String(index);
      const name = document.createElement("span");
      name.textContent = chapter.title;
      const at = document.createElement("span");
      at.textContent = clock(chapter.startTime);
      button.append(name, at);
      button.addEventListener("click", () => jump(index, true));
      item.append(button);
      list.append(item);
    });
  }

  function chapterAt(seconds) {
    let found = 0;
    chapters.forEach((chapter, index) => { if (chapter.startTime <= seconds + 0.05) found = index; });
    return found;
  }

  function jump(index, play) {
    if (!chapters.length) return;
    const target = chapters[Math.max(0, Math.min(index, chapters.length - 1))];
    audio.currentTime = target.startTime;
    if (play) audio.play().catch(() => {});
    update();
  }

  function next() {
    const index = chapterAt(audio.currentTime);
    if (index + 1 < chapters.length) jump(index + 1, !audio.paused);
  }

  function previous() {
    const index = chapterAt(audio.currentTime);
    const into = audio.currentTime - (chapters[index] ? chapters[index].startTime : 0);
    jump(into > RESTART_GRACE_S ? index : index - 1, !audio.paused);
  }

  function toggle() {
    if (audio.paused) audio.play().catch(() => {}); else audio.pause();
  }

  let shown = -1;
  function update() {
    const t = audio.currentTime || 0;
    $("elapsed").textContent = clock(t);
    $("seek").value = String(Math.floor(t));
    const playing = !audio.paused;
    $("play").classList.toggle("playing", playing);
    $("play").setAttribute("aria-label", playing ? "Pause" : "Play");
    const index = chapterAt(t);
    if (index !== shown && chapters[index]) {
      shown = index;
      $("now").textContent = chapters[index].title;
      document.querySelectorAll("#chapters li").forEach((li, i) => li.classList.toggle("current", i === index));
    }
    if ("mediaSession" in navigator && audio.duration && isFinite(audio.duration)) {
      try {
        navigator.mediaSession.setPositionState({
          duration: audio.duration, playbackRate: audio.playbackRate, position: Math.min(t, audio.duration),
        });
      } catch (_) { /* an older browser without position state */ }
    }
  }

  function setupMediaSession() {
    if (!("mediaSession" in navigator)) return;
    const session = navigator.mediaSession;
    session.metadata = new MediaMetadata({
      title: current.title,
      artist: "coach",
      album: "coach sessions",
      artwork: current.cover ? [{ src: current.cover, sizes: "1400x1400", type: "image/png" }] : [],
    });
    const handlers = {
      play: () => audio.play(),
      pause: () => audio.pause(),
      previoustrack: previous,
      nexttrack: next,
      seekbackward: (details) => { audio.currentTime = Math.max(0, audio.currentTime - (details.seekOffset || 10)); },
      seekforward: (details) => { audio.currentTime = audio.currentTime + (details.seekOffset || 10); },
      seekto: (details) => { audio.currentTime = details.seekTime; },
    };
    for (const [action, handler] of Object.entries(handlers)) {
      try { session.setActionHandler(action, handler); } catch (_) { /* unsupported action */ }
    }
  }

  $("play").addEventListener("click", toggle);
  $("next").addEventListener("click", next);
  $("prev").addEventListener("click", previous);
  $("seek").addEventListener("input", () => { audio.currentTime = Number($("seek").value); });
  $("new-session").addEventListener("click", () => {
    audio.pause();
    show("player", false);
    show("choose", true);
  });
  for (const name of ["timeupdate", "play", "pause", "seeked", "loadedmetadata", "ended"]) {
    audio.addEventListener(name, update);
  }
  audio.addEventListener("play", () => { if ("mediaSession" in navigator) navigator.mediaSession.playbackState = "playing"; });
  audio.addEventListener("pause", () => { if ("mediaSession" in navigator) navigator.mediaSession.playbackState = "paused"; });
  audio.addEventListener("error", () => {
    $("now").textContent = "The audio could not be loaded. Make the session again.";
  });

  // -- recent sessions -----------------------------------------------------------------------

  async function refreshRecent() {
    let listing;
    try { listing = await api("/sessions"); } catch (_) { return; }
    const list = $("recent-list");
    list.replaceChildren();
    if (!listing.sessions.length) {
      const empty = document.createElement("li");
      empty.className = "empty";
      empty.textContent = "None yet.";
      list.append(empty);
      return;
    }
    for (const entry of listing.sessions) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      const name = document.createElement("span");
      name.textContent = entry.title;
      const detail = document.createElement("span");
      detail.textContent = entry.state === "ready" ? clock(entry.duration_s) : entry.state;
      if (entry.state === "failed") item.className = "failed";
      button.append(name, detail);
      button.addEventListener("click", () => follow(entry.id).then(() => audio.play().catch(() => {}), (error) => formError(error.message)));
      item.append(button);
      list.append(item);
    }
  }

  refreshRecent();
})();
