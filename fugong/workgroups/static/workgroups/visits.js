// The visit form on a phone with a poor connection. Every visit typed gets a key of its own and goes into an
// outbox in IndexedDB before it is sent; it stays there, marked waiting, until the server has answered. The server
// stores a key once, so sending a visit again (after a lost answer, on `online`, on the next page load) never
// makes a second one. No library, no CDN: the page must work offline once loaded.
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  var box = document.getElementById("outbox");
  if (!form || !box) {
    return;
  }
  var list = document.getElementById("outbox-list");
  var counter = document.getElementById("outbox-count");
  var countText = document.getElementById("outbox-count-text").innerHTML;
  var DB = "fugong-visits";
  var STORE = "outbox";
  var sending = false;

  function newKey() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "key" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function store(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function all() { return store("readonly", function (s) { return s.getAll(); }); }
  function put(entry) { return store("readwrite", function (s) { s.put(entry); }); }
  function remove(key) { return store("readwrite", function (s) { s.delete(key); }); }

  function setKey() {
    form.querySelector("[name=client_key]").value = newKey();
  }

  function label(entry) {
    return entry.title + " · " + entry.day;
  }

  function render() {
    return all().then(function (entries) {
      entries.sort(function (a, b) { return b.created - a.created; });
      list.textContent = "";
      var waiting = 0;
      entries.forEach(function (entry) {
        var li = document.createElement("li");
        li.className = "list-group-item";
        li.dataset.state = entry.state;
        li.dataset.key = entry.key;
        var badge = document.createElement("span");
        badge.className = "badge me-2 " + (entry.state === "sent" ? "bg-green-lt" : entry.state === "refused" ? "bg-red-lt" : "bg-yellow-lt");
        badge.textContent = box.dataset[entry.state];
        li.appendChild(badge);
        li.appendChild(document.createTextNode(label(entry)));
        if (entry.state === "sent" && entry.url) {
          var a = document.createElement("a");
          a.href = entry.url;
          a.className = "ms-2";
          a.textContent = box.dataset.open;
          li.appendChild(a);
        }
        if (entry.state === "refused") {
          var reason = document.createElement("div");
          reason.className = "text-danger small";
          reason.textContent = entry.reason;
          li.appendChild(reason);
          var drop = document.createElement("button");
          drop.type = "button";
          drop.className = "btn btn-sm btn-ghost-secondary";
          drop.textContent = box.dataset.fix;
          drop.addEventListener("click", function () { remove(entry.key).then(render); });
          li.appendChild(drop);
        }
        if (entry.state === "waiting") {
          waiting += 1;
        }
        list.appendChild(li);
      });
      counter.dataset.count = String(waiting);
      counter.textContent = countText.replace("__N__", String(waiting));
    });
  }

  function body(entry) {
    var data = new FormData();
    entry.fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
    entry.photos.forEach(function (photo) { data.append("photos", photo.blob, photo.name); });
    return data;
  }

  function reasonOf(answer) {
    var parts = [];
    var errors = (answer && answer.error) || {};
    Object.keys(errors).forEach(function (field) {
      parts.push([].concat(errors[field]).join(" "));
    });
    return parts.join(" ");
  }

  function send(entry) {
    return fetch(form.action || window.location.href, {
      method: "POST",
      body: body(entry),
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": entry.csrf },
    }).then(function (response) {
      if (response.status === 200 || response.status === 201) {
        return response.json().then(function (answer) {
          entry.state = "sent";
          entry.url = answer.url;
          entry.fields = [];
          entry.photos = [];
          return put(entry);
        });
      }
      if (response.status === 400) {
        return response.json().then(function (answer) {
          entry.state = "refused";
          entry.reason = reasonOf(answer);
          return put(entry);
        });
      }
      // Signed out, a proxy's error page, a server restarting: the visit waits for the next try.
      return null;
    }, function () { return null; });
  }

  function sendAll() {
    if (sending) {
      return Promise.resolve();
    }
    sending = true;
    return all().then(function (entries) {
      var waiting = entries.filter(function (e) { return e.state === "waiting"; });
      return waiting.reduce(function (chain, entry) {
        return chain.then(function () { return send(entry); });
      }, Promise.resolve());
    }).then(render, render).then(function () { sending = false; }, function () { sending = false; });
  }

  function checkDuplicate() {
    var group = form.querySelector("[name=group]");
    var enterprise = form.querySelector("[name=enterprise]");
    var day = form.querySelector("[name=visited_on]");
    var warning = document.getElementById("duplicate-warning");
    var links = document.getElementById("duplicate-links");
    if (!enterprise.value || !day.value) {
      warning.classList.add("d-none");
      return;
    }
    all().then(function (entries) {
      var local = entries.filter(function (e) {
        return e.enterprise === enterprise.value && e.day === day.value && e.group === group.value;
      });
      var query = "?group=" + encodeURIComponent(group.value) + "&enterprise=" + encodeURIComponent(enterprise.value) +
        "&visited_on=" + encodeURIComponent(day.value);
      var remote = navigator.onLine
        ? fetch(form.dataset.check + query, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : { visits: [] }; }, function () { return { visits: [] }; })
        : Promise.resolve({ visits: [] });
      return remote.then(function (answer) {
        links.textContent = "";
        answer.visits.forEach(function (v) {
          var a = document.createElement("a");
          a.href = v.url;
          a.textContent = "#" + v.id;
          a.className = "me-1";
          links.appendChild(a);
        });
        warning.classList.toggle("d-none", !(local.length || answer.visits.length));
      });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!form.reportValidity()) {
      return;
    }
    var data = new FormData(form);
    var fields = [];
    var photos = [];
    data.forEach(function (value, name) {
      if (value instanceof Blob) {
        if (value.size) {
          photos.push({ name: value.name, blob: value });
        }
      } else {
        fields.push([name, value]);
      }
    });
    var enterprise = form.querySelector("[name=enterprise]");
    var entry = {
      key: data.get("client_key"),
      created: Date.now(),
      state: "waiting",
      csrf: data.get("csrfmiddlewaretoken"),
      fields: fields,
      photos: photos,
      group: data.get("group"),
      enterprise: data.get("enterprise"),
      day: data.get("visited_on"),
      title: enterprise.options[enterprise.selectedIndex].text,
    };
    put(entry).then(function () {
      form.reset();
      setKey();
      return render();
    }).then(sendAll);
  });

  ["change", "input"].forEach(function (type) {
    form.addEventListener(type, function (event) {
      if (event.target.matches("[name=enterprise], [name=visited_on], [name=group]")) {
        checkDuplicate();
      }
    });
  });
  window.addEventListener("online", sendAll);
  window.setInterval(function () { if (navigator.onLine) { sendAll(); } }, 30000);
  setKey();
  render().then(sendAll);
})();
