/* A timed step for learners: the button that starts the clock, the countdown, the call when time is up,
   and the learner's time-limit setting (WCAG 2.2.1: ten times longer or no limit at all). */
window.RtcmScenarioTimer = function (kit) {
  "use strict";
  var gettext = kit.gettext, ngettext = kit.ngettext, format = kit.format, node = kit.node;
  var ticking = null;
  var retry = null;
  var SPOKEN = [30, 10];  // besides the start and the end, the only seconds a screen reader hears

  /* 75 -> "01:15"; whole seconds, rounded up so that "00:00" means the time is up. */
  function clockText(seconds) {
    var whole = Math.max(0, Math.ceil(seconds));
    var minutes = Math.floor(whole / 60), rest = whole % 60;
    return (minutes < 10 ? "0" : "") + minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function secondsText(count) {
    return format(ngettext("{count} second", "{count} seconds", count), {count: count});
  }

  /* A clock that has not started yet: the step's text is there to read, its choices are not. */
  function waiting(timer) {
    return Boolean(timer && timer.limit !== null && !timer.started);
  }

  function running(timer) {
    return Boolean(timer && timer.limit !== null && timer.started);
  }

  function startButton(timer) {
    return node("button", {type: "button", "class": "rtcm-scenario__button", "data-action": "start-timer"},
      [format(gettext("I am ready — start the clock ({duration})"), {duration: secondsText(timer.limit)})]);
  }

  /* The countdown's place, there from the start (the limit, until the clock runs) and as wide at 09:59 as at
     00:00, so nothing moves when it starts or while it counts. */
  function clock(timer) {
    if (!timer || timer.limit === null) { return null; }
    return node("p", {"class": "rtcm-scenario__timer", role: "timer"}, [
      node("span", {"class": "rtcm-scenario__timer-label"}, [timer.started ? gettext("Time left:") : gettext("Time limit:")]), " ",
      node("span", {"class": "rtcm-scenario__timer-digits", dir: "ltr"}, [""])
    ]);
  }

  function stop() {
    if (ticking !== null) { window.clearInterval(ticking); }
    if (retry !== null) { window.clearTimeout(retry); }
    ticking = null;
    retry = null;
  }

  /* Count down from the server's `remaining` and the local clock at receipt, in `digits`; `announce` speaks
     at the start, at 30 and 10 seconds and at the end, then `expire()` asks the server to take the timeout. */
  function run(digits, timer, announce, expire, fresh) {
    stop();
    if (digits && waiting(timer)) { digits.textContent = clockText(timer.limit); }
    if (!digits || !running(timer)) { return; }
    var deadline = window.performance.now() + Math.max(0, timer.remaining) * 1000;
    var spoken = SPOKEN.filter(function (mark) { return timer.remaining <= mark; });
    var shown = null;
    if (fresh) {
      announce(format(gettext("The clock has started: you have {duration}."),
        {duration: secondsText(Math.ceil(timer.remaining))}));
    }
    function tick() {
      var left = (deadline - window.performance.now()) / 1000;
      var text = clockText(left);
      if (text !== shown) { digits.textContent = shown = text; }
      SPOKEN.forEach(function (mark) {
        if (left <= mark && left > 0 && spoken.indexOf(mark) < 0) {
          spoken.push(mark);
          announce(format(gettext("{duration} left."), {duration: secondsText(mark)}));
        }
      });
      if (left <= 0) {
        stop();
        announce(gettext("Time is up."));
        expire();
      }
    }
    tick();
    if (deadline > window.performance.now()) { ticking = window.setInterval(tick, 250); }
  }

  /* Call `attempt()` (a promise) again while the server answers 400 `time_left`: its clock and ours differ
     by a network trip. Every second a few times, then after the seconds the server says are left. */
  function insist(attempt, tries) {
    tries = tries || 0;
    return attempt().catch(function (failure) {
      if (failure.code !== "time_left" || tries > 20) { throw failure; }
      var said = /(\d+(?:[.,]\d+)?)/.exec(failure.message || "");
      var wait = tries < 4 || !said ? 1 : Math.max(1, Math.ceil(parseFloat(said[1].replace(",", "."))));
      return new Promise(function (resolve) { retry = window.setTimeout(resolve, wait * 1000); }).then(function () {
        return insist(attempt, tries + 1);
      });
    });
  }

  var TIMINGS = [["standard", gettext("standard")], ["extended", gettext("ten times longer")],
    ["untimed", gettext("no time limit")]];

  /* The learner's time-limit setting, built when the page was drawn without one. */
  function settings(uid, timing) {
    var options = TIMINGS.map(function (pair) {
      var input = node("input", {type: "radio", name: uid + "-timing", value: pair[0], id: uid + "-timing-" + pair[0]});
      input.checked = pair[0] === timing;
      return node("li", {}, [input, " ", node("label", {"for": uid + "-timing-" + pair[0]}, [pair[1]])]);
    });
    return node("details", {"class": "rtcm-scenario__timing"}, [
      node("summary", {}, [gettext("Time limits")]),
      node("fieldset", {}, [
        node("legend", {}, [gettext("Time limits for the timed steps of this exercise:")]),
        node("ul", {}, options),
        node("p", {"class": "rtcm-scenario__hint"}, [gettext("The change applies at once, also to a clock that is running.")])
      ])
    ]);
  }

  function timingName(timing) {
    var found = TIMINGS.filter(function (pair) { return pair[0] === timing; })[0];
    return found ? found[1] : timing;
  }

  return {waiting: waiting, running: running, startButton: startButton, clock: clock, run: run, stop: stop,
    insist: insist, settings: settings, timingName: timingName};
};
