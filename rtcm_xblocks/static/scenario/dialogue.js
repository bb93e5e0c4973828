/* What a step shows besides its text: a video or audio clip with captions and a transcript, and the
   characters' lines as a conversation (portrait on the start side, the speaker's name as text). */
window.RtcmScenarioDialogue = function (kit) {
  "use strict";
  var gettext = kit.gettext, node = kit.node, authored = kit.authored;

  /* No autoplay, and nothing is fetched before the learner presses play (slow links). */
  function media(clip) {
    if (!clip) { return null; }
    var player = node(clip.type === "audio" ? "audio" : "video", {controls: "", preload: "none", src: clip.src,
      "class": "rtcm-scenario__player"});
    if (clip.captions) {
      var lang = clip.captions_lang || document.documentElement.lang || "en";
      player.appendChild(node("track", {kind: "captions", src: clip.captions, srclang: lang, label: gettext("Captions"),
        "default": ""}));
    }
    var children = [player];
    if (clip.transcript) {
      var text = authored(clip.transcript);
      children.push(node("details", {"class": "rtcm-scenario__transcript"}, [node("summary", {}, [gettext("Transcript")]), text]));
    }
    return node("div", {"class": "rtcm-scenario__media"}, children);
  }

  function lines(said) {
    if (!said || !said.length) { return null; }
    return node("ul", {"class": "rtcm-scenario__lines"}, said.map(function (line) {
      return node("li", {"class": "rtcm-scenario__line"}, [
        line.portrait ? node("img", {"class": "rtcm-scenario__portrait", src: line.portrait, alt: ""}) : null,
        node("div", {"class": "rtcm-scenario__said"}, [
          node("p", {"class": "rtcm-scenario__speaker"}, [line.speaker]),
          authored(line.body)
        ])
      ]);
    }));
  }

  return {media: media, lines: lines};
};
