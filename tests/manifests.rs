//! Deployment artifacts stay in step with the code: the Slack app manifest (routes,
//! shortcut, scopes), the scopes with the Web API methods the source calls, the
//! Kustomize overlays with the environment the binary reads, and the Dockerfile's shape.

use serde::Deserialize;
use serde_yaml::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use warroom::slack::scopes::{bot_scopes, METHOD_SCOPES};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    let path = root().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `value[k0][k1]…`, where a key that parses as a number indexes a sequence.
fn at<'a>(value: &'a Value, path: &str) -> &'a Value {
    let mut v = value;
    for key in path.split('.') {
        let next = match key.parse::<usize>() {
            Ok(i) if v.is_sequence() => v.get(i),
            _ => v.get(key),
        };
        v = next.unwrap_or_else(|| panic!("no `{path}` (stopped at `{key}`) in {value:?}"));
    }
    v
}

fn str_at<'a>(value: &'a Value, path: &str) -> &'a str {
    at(value, path)
        .as_str()
        .unwrap_or_else(|| panic!("`{path}` is not a string"))
}

fn seq_at<'a>(value: &'a Value, path: &str) -> &'a Vec<Value> {
    at(value, path)
        .as_sequence()
        .unwrap_or_else(|| panic!("`{path}` is not a sequence"))
}

/// The path of an `https://host/path` URL.
fn url_path(url: &str) -> &str {
    let rest = url
        .strip_prefix("https://")
        .unwrap_or_else(|| panic!("{url} is not an https URL"));
    rest.find('/').map(|i| &rest[i..]).unwrap_or("/")
}

// ---------------------------------------------------------------------------------------------
// Slack app manifest

fn slack_manifest() -> Value {
    serde_yaml::from_str(&read("manifests/slack-app.yaml")).expect("slack-app.yaml is YAML")
}

#[test]
fn slack_manifest_declares_the_command_routes_and_shortcut() {
    let m = slack_manifest();
    assert!(!str_at(&m, "display_information.name").is_empty());

    let commands = seq_at(&m, "features.slash_commands");
    let incident = commands
        .iter()
        .find(|c| c.get("command").and_then(Value::as_str) == Some("/incident"))
        .expect("the /incident command");
    assert_eq!(url_path(str_at(incident, "url")), "/slack/commands");
    assert_eq!(
        at(incident, "should_escape").as_bool(),
        Some(true),
        "mentions must arrive escaped as <@U…>"
    );
    assert!(!str_at(incident, "description").is_empty());

    assert_eq!(
        at(&m, "settings.interactivity.is_enabled").as_bool(),
        Some(true)
    );
    assert_eq!(
        url_path(str_at(&m, "settings.interactivity.request_url")),
        "/slack/interactions"
    );
    let events = at(&m, "settings.event_subscriptions");
    assert_eq!(url_path(str_at(events, "request_url")), "/slack/events");
    let subscribed: Vec<&str> = seq_at(events, "bot_events")
        .iter()
        .map(|e| e.as_str().expect("an event is a string"))
        .collect();
    let handled: Vec<&str> = warroom::slack::scopes::EVENT_SCOPES
        .iter()
        .map(|(event, _)| *event)
        .collect();
    assert_eq!(
        subscribed, handled,
        "bot_events must equal warroom::slack::scopes::EVENT_SCOPES"
    );

    let shortcuts = seq_at(&m, "features.shortcuts");
    let add = shortcuts
        .iter()
        .find(|s| s.get("type").and_then(Value::as_str) == Some("message"))
        .expect("a message shortcut");
    assert_eq!(str_at(add, "name"), "Add to timeline");
    assert_eq!(
        str_at(add, "callback_id"),
        warroom::slack::ids::ADD_TO_TIMELINE
    );
}

#[test]
fn slack_manifest_requests_exactly_the_scopes_the_code_needs() {
    let m = slack_manifest();
    let requested: Vec<&str> = seq_at(&m, "oauth_config.scopes.bot")
        .iter()
        .map(|s| s.as_str().expect("a scope is a string"))
        .collect();
    let requested_set: BTreeSet<&str> = requested.iter().copied().collect();
    assert_eq!(
        requested.len(),
        requested_set.len(),
        "a scope is listed twice"
    );
    let needed: BTreeSet<&str> = bot_scopes().into_iter().collect();
    assert_eq!(
        requested_set, needed,
        "manifests/slack-app.yaml oauth_config.scopes.bot must equal \
         warroom::slack::scopes::bot_scopes()"
    );
    // The only user scopes are Sign in with Slack's, for the web console.
    let user: Vec<&str> = seq_at(&m, "oauth_config.scopes.user")
        .iter()
        .map(|s| s.as_str().expect("a scope is a string"))
        .collect();
    assert_eq!(user, ["openid", "profile"], "user scopes: sign-in only");
    let redirects: Vec<&str> = seq_at(&m, "oauth_config.redirect_urls")
        .iter()
        .map(|s| s.as_str().expect("a URL is a string"))
        .collect();
    assert_eq!(redirects.len(), 1);
    assert!(
        redirects[0].starts_with("https://") && redirects[0].ends_with("/auth/callback"),
        "{redirects:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Web API methods used by the source vs METHOD_SCOPES

const METHOD_PREFIXES: &[&str] = &[
    "auth.",
    "canvases.",
    "chat.",
    // Before `conversations.`: the first matching prefix is taken.
    "conversations.canvases.",
    "conversations.",
    "pins.",
    "views.",
    "users.",
    "files.",
    "bookmarks.",
    "reactions.",
    "usergroups.",
    "apps.",
];

fn rust_files(dir: &Path, skip: &[PathBuf], out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if skip.contains(&path) {
            continue;
        }
        if path.is_dir() {
            rust_files(&path, skip, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// String literals that are exactly a Web API method name, e.g. `"chat.postMessage"`,
/// outside `//` comments.
fn method_literals(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in source.lines() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        let bytes = line.as_bytes();
        for (i, _) in line.match_indices('"') {
            let rest = &line[i + 1..];
            let Some(prefix) = METHOD_PREFIXES.iter().find(|p| rest.starts_with(**p)) else {
                continue;
            };
            let name_start = i + 1 + prefix.len();
            let name_len = bytes[name_start..]
                .iter()
                .take_while(|b| b.is_ascii_alphabetic())
                .count();
            let end = name_start + name_len;
            if name_len > 0 && bytes.get(end) == Some(&b'"') {
                found.push(line[i + 1..end].to_string());
            }
        }
    }
    found
}

#[test]
fn method_literal_scanner_finds_exact_names_only() {
    let src = r#"
        self.call("chat.postMessage", json!({})).await;
        api.call("views.open", v); let s = "conversations.create answered without an id";
        // self.call("pins.add", …) in a comment doesn't count
        let x = "users.info"; let y = "chat."; let z = "reactions.add2";
    "#;
    assert_eq!(
        method_literals(src),
        vec!["chat.postMessage", "views.open", "users.info"]
    );
}

#[test]
fn every_called_method_has_its_scopes_and_every_listed_method_is_called() {
    let src = root().join("src");
    // scopes.rs is the list itself (the emulator, which implements Slack's side of many
    // methods, lives in its own crate outside src/).
    let skip = [src.join("slack").join("scopes.rs")];
    let mut files = Vec::new();
    rust_files(&src, &skip, &mut files);
    assert!(files.len() > 10, "found only {files:?}");

    let mut used: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable source");
        let shown = file
            .strip_prefix(root())
            .unwrap_or(file)
            .display()
            .to_string();
        for method in method_literals(&text) {
            used.entry(method).or_default().insert(shown.clone());
        }
    }
    let listed: BTreeSet<String> = METHOD_SCOPES.iter().map(|(m, _)| m.to_string()).collect();
    assert_eq!(
        listed.len(),
        METHOD_SCOPES.len(),
        "a method is listed twice"
    );

    let unlisted: Vec<String> = used
        .iter()
        .filter(|(m, _)| !listed.contains(*m))
        .map(|(m, files)| format!("{m} (in {files:?})"))
        .collect();
    assert!(
        unlisted.is_empty(),
        "Web API methods called without an entry in src/slack/scopes.rs METHOD_SCOPES \
         (add it with its bot scopes, then regenerate the manifest's scopes): {unlisted:?}"
    );
    let stale: Vec<&String> = listed.iter().filter(|m| !used.contains_key(*m)).collect();
    assert!(
        stale.is_empty(),
        "METHOD_SCOPES lists methods nothing calls (remove them and their scopes): {stale:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Kubernetes: every Kustomize overlay, rendered by `kubectl kustomize` as `kubectl apply -k`
// would, is checked against the code. scripts/manifest-check.sh also validates the same
// output against Kubernetes' own schemas.

/// Every environment variable the product documents (README, Configuration).
const SPEC_ENV: &[&str] = &[
    "SLACK_SIGNING_SECRET",
    "SLACK_BOT_TOKEN",
    "SLACK_API_URL",
    "DATABASE_URL",
    "WARROOM_LISTEN",
    "WARROOM_CONFIG",
    "WARROOM_API_TOKEN",
    "SLACK_APP_TOKEN",
    "PAGERDUTY_ROUTING_KEY",
    "PAGERDUTY_EVENTS_URL",
    "WARROOM_WEBHOOK_URL",
    "WARROOM_WEBHOOK_SECRET",
    "RUST_LOG",
];
const REQUIRED_ENV: &[&str] = &["SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "DATABASE_URL"];
const SECRET_ENV: &[&str] = &[
    "SLACK_SIGNING_SECRET",
    "SLACK_BOT_TOKEN",
    "WARROOM_API_TOKEN",
];
const LABEL: &str = "app.kubernetes.io/name";
const OVERLAYS: &[&str] = &["sqlite", "postgres-ha"];

/// String literals in the product's sources that look like environment variable names
/// (`"WARROOM_LISTEN"`), wherever they are read: a `std::env::var`, a lookup closure or a
/// clap `env = "…"` attribute. `RUST_LOG` is read by tracing-subscriber's default filter.
fn env_names_in_source() -> BTreeSet<String> {
    let src = root().join("src");
    let skip = [src.join("emulator"), src.join("bench")];
    let mut files = Vec::new();
    rust_files(&src, &skip, &mut files);
    let mut names = BTreeSet::from(["RUST_LOG".to_string()]);
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable source");
        for piece in text.split('"').skip(1).step_by(2) {
            let looks_like_env = piece.len() > 3
                && piece.contains('_')
                && piece
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            if looks_like_env {
                names.insert(piece.to_string());
            }
        }
    }
    names
}

/// `kubectl kustomize <dir>`: the objects `kubectl apply -k <dir>` would apply.
fn render(overlay: &str) -> Vec<Value> {
    let dir = root().join("manifests/kubernetes/overlays").join(overlay);
    let kubectl = std::env::var("KUBECTL").unwrap_or_else(|_| "kubectl".into());
    let out = std::process::Command::new(&kubectl)
        .arg("kustomize")
        .arg(&dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("running `{kubectl} kustomize` (install kubectl, or set KUBECTL): {e}")
        });
    assert!(
        out.status.success(),
        "kubectl kustomize {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8 YAML");
    serde_yaml::Deserializer::from_str(&text)
        .map(|doc| Value::deserialize(doc).expect("kustomize prints YAML"))
        .filter(|v| !v.is_null())
        .collect()
}

/// The rendered objects of an overlay by kind (one object per kind), each labelled.
fn kube_objects(overlay: &str) -> BTreeMap<String, Value> {
    let mut objects = BTreeMap::new();
    for value in render(overlay) {
        let kind = str_at(&value, "kind").to_string();
        assert!(value.get("apiVersion").is_some(), "{overlay}: {kind}");
        assert_eq!(
            value
                .get("metadata")
                .and_then(|m| m.get("labels"))
                .and_then(|l| l.get(LABEL))
                .and_then(Value::as_str),
            Some("warroom"),
            "{overlay}: {kind} lacks the label {LABEL}: warroom"
        );
        let previous = objects.insert(kind.clone(), value);
        assert!(previous.is_none(), "{overlay}: two {kind} objects");
    }
    objects
}

fn object<'a>(objects: &'a BTreeMap<String, Value>, kind: &str) -> &'a Value {
    objects
        .get(kind)
        .unwrap_or_else(|| panic!("no {kind} in the rendered overlay"))
}

/// `selector` (a label map) picks pods labelled `labels`.
fn selects(selector: &Value, labels: &Value) -> bool {
    let (Some(selector), Some(labels)) = (selector.as_mapping(), labels.as_mapping()) else {
        return false;
    };
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

fn example_secret() -> Value {
    serde_yaml::from_str(&read("manifests/kubernetes/secret.example.yaml"))
        .expect("secret.example.yaml is YAML")
}

fn the_container(deployment: &Value) -> &Value {
    let containers = seq_at(deployment, "spec.template.spec.containers");
    assert_eq!(containers.len(), 1, "one container");
    &containers[0]
}

fn env_var<'a>(container: &'a Value, name: &str) -> Option<&'a Value> {
    seq_at(container, "env")
        .iter()
        .find(|e| str_at(e, "name") == name)
}

/// What both overlays must get right: probes, privileges, environment, policy, Service.
fn check_common(overlay: &str, objects: &BTreeMap<String, Value>) {
    let deployment = object(objects, "Deployment");
    let pod_labels = at(deployment, "spec.template.metadata.labels");
    assert!(selects(
        at(deployment, "spec.selector.matchLabels"),
        pod_labels
    ));
    let pod = at(deployment, "spec.template.spec");
    let container = the_container(deployment);
    assert!(
        !str_at(container, "image").is_empty()
            && str_at(container, "image") != "warroom"
            && str_at(container, "image").contains('/'),
        "{overlay}: the image is set to a registry path"
    );

    let port = seq_at(container, "ports")
        .iter()
        .find(|p| at(p, "containerPort").as_u64() == Some(3000))
        .expect("container port 3000");
    let port_name = port.get("name").and_then(Value::as_str);
    let is_app_port =
        |v: &Value| v.as_u64() == Some(3000) || (v.as_str().is_some() && v.as_str() == port_name);
    for (probe, path) in [("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")] {
        let get = at(container, &format!("{probe}.httpGet"));
        assert_eq!(str_at(get, "path"), path, "{overlay}: {probe}");
        assert!(is_app_port(at(get, "port")), "{probe} probes another port");
    }
    for key in ["requests.cpu", "requests.memory", "limits.memory"] {
        at(container, &format!("resources.{key}"));
    }

    let secure = |v: &Value, key: &str| {
        v.get("securityContext")
            .and_then(|s| s.get(key))
            .and_then(Value::as_bool)
    };
    assert!(
        secure(container, "runAsNonRoot") == Some(true)
            || secure(pod, "runAsNonRoot") == Some(true),
        "runAsNonRoot"
    );
    assert_eq!(secure(container, "readOnlyRootFilesystem"), Some(true));
    assert_eq!(secure(container, "allowPrivilegeEscalation"), Some(false));

    // Environment: names the binary reads (and the README lists), the required ones present,
    // secrets from the Secret.
    assert!(
        container.get("envFrom").is_none(),
        "list env vars by name, not envFrom"
    );
    let read_by_binary = env_names_in_source();
    let env = seq_at(container, "env");
    let names: Vec<&str> = env.iter().map(|e| str_at(e, "name")).collect();
    for name in &names {
        assert!(
            SPEC_ENV.contains(name),
            "{name} is not an environment variable warroom reads"
        );
        assert!(
            read_by_binary.contains(*name),
            "{overlay}: the binary never reads {name}"
        );
    }
    let unique: BTreeSet<&&str> = names.iter().collect();
    assert_eq!(
        unique.len(),
        names.len(),
        "{overlay}: an env var is set twice"
    );
    for name in REQUIRED_ENV {
        assert!(
            names.contains(name),
            "{overlay}: {name} is required by `serve`"
        );
    }
    let secret = example_secret();
    let secret_name = str_at(&secret, "metadata.name");
    let secret_data = at(&secret, "stringData").as_mapping().expect("stringData");
    for e in env {
        let name = str_at(e, "name");
        let Some(from) = e.get("valueFrom") else {
            assert!(
                !SECRET_ENV.contains(&name),
                "{name} is a secret: take it from the Secret"
            );
            continue;
        };
        let key_ref = at(from, "secretKeyRef");
        assert_eq!(str_at(key_ref, "name"), secret_name, "{name}");
        let key = str_at(key_ref, "key");
        let optional = key_ref.get("optional").and_then(Value::as_bool) == Some(true);
        assert!(
            optional || secret_data.contains_key(key),
            "{name} needs key {key} in the example Secret"
        );
    }

    // The policy file: WARROOM_CONFIG points into the mounted ConfigMap, which parses.
    let configmap = object(objects, "ConfigMap");
    let config_path = str_at(
        env_var(container, "WARROOM_CONFIG").expect("WARROOM_CONFIG"),
        "value",
    );
    let volume = seq_at(pod, "volumes")
        .iter()
        .find(|v| {
            v.get("configMap")
                .and_then(|c| c.get("name"))
                .and_then(Value::as_str)
                == Some(str_at(configmap, "metadata.name"))
        })
        .expect("a volume of the policy ConfigMap");
    let mount = seq_at(container, "volumeMounts")
        .iter()
        .find(|m| str_at(m, "name") == str_at(volume, "name"))
        .expect("the policy volume is mounted");
    let (dir, file) = config_path.rsplit_once('/').expect("an absolute path");
    assert_eq!(str_at(mount, "mountPath").trim_end_matches('/'), dir);
    let text = at(configmap, "data")
        .get(file)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("ConfigMap key {file}"));
    let policy = warroom::policy::Policy::from_toml_str(text, "policy.toml")
        .unwrap_or_else(|e| panic!("{overlay}: {e}"));
    assert!(!policy.severities.is_empty());
    assert!(!policy.roles.is_empty());

    let service = object(objects, "Service");
    assert!(
        selects(at(service, "spec.selector"), pod_labels),
        "Service selector"
    );
    for p in seq_at(service, "spec.ports") {
        assert!(
            is_app_port(at(p, "targetPort")),
            "Service targets another port"
        );
    }
}

#[test]
fn every_overlay_is_checked() {
    let dir = root().join("manifests/kubernetes/overlays");
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            e.expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    found.sort();
    let mut checked: Vec<String> = OVERLAYS.iter().map(|s| s.to_string()).collect();
    checked.sort();
    assert_eq!(found, checked, "give a new overlay its own test here");
}

#[test]
fn env_name_scanner_finds_the_settings_names() {
    let names = env_names_in_source();
    for name in [
        "SLACK_SIGNING_SECRET",
        "DATABASE_URL",
        "WARROOM_LISTEN",
        "RUST_LOG",
    ] {
        assert!(names.contains(name), "{name} not found in {names:?}");
    }
    assert!(!names.contains("WARROOM_NOT_A_VARIABLE"));
}

#[test]
fn sqlite_overlay_is_one_replica_on_a_volume() {
    let objects = kube_objects("sqlite");
    check_common("sqlite", &objects);
    let deployment = object(&objects, "Deployment");
    assert_eq!(at(deployment, "spec.replicas").as_u64(), Some(1));
    assert_eq!(
        str_at(deployment, "spec.strategy.type"),
        "Recreate",
        "two pods must never hold the SQLite file at once"
    );
    assert!(deployment
        .get("spec")
        .and_then(|s| s.get("strategy"))
        .and_then(|s| s.get("rollingUpdate"))
        .is_none());
    assert!(!objects.contains_key("PodDisruptionBudget"));

    let container = the_container(deployment);
    let url = str_at(
        env_var(container, "DATABASE_URL").expect("DATABASE_URL"),
        "value",
    );
    let path = url
        .strip_prefix("sqlite://")
        .unwrap_or_else(|| panic!("DATABASE_URL {url} is not sqlite://"));
    let (dir, _) = path.rsplit_once('/').expect("an absolute path");

    let pvc = object(&objects, "PersistentVolumeClaim");
    let volume = seq_at(deployment, "spec.template.spec.volumes")
        .iter()
        .find(|v| {
            v.get("persistentVolumeClaim")
                .and_then(|c| c.get("claimName"))
                .and_then(Value::as_str)
                == Some(str_at(pvc, "metadata.name"))
        })
        .expect("a volume of the PersistentVolumeClaim");
    let mount = seq_at(container, "volumeMounts")
        .iter()
        .find(|m| str_at(m, "name") == str_at(volume, "name"))
        .expect("the data volume is mounted");
    assert_eq!(
        str_at(mount, "mountPath").trim_end_matches('/'),
        dir,
        "the database file lives on the volume"
    );
    assert_eq!(
        at(deployment, "spec.template.spec.securityContext.fsGroup").as_u64(),
        Some(65532),
        "the volume is writable by the image's user"
    );
}

#[test]
fn postgres_ha_overlay_survives_a_node_loss() {
    let objects = kube_objects("postgres-ha");
    check_common("postgres-ha", &objects);
    let deployment = object(&objects, "Deployment");
    let pod_labels = at(deployment, "spec.template.metadata.labels");
    let replicas = at(deployment, "spec.replicas").as_u64().expect("replicas");
    assert!(replicas >= 2, "replicas = {replicas}");
    assert_eq!(str_at(deployment, "spec.strategy.type"), "RollingUpdate");
    assert_eq!(
        at(deployment, "spec.strategy.rollingUpdate.maxUnavailable").as_u64(),
        Some(0)
    );
    assert!(!objects.contains_key("PersistentVolumeClaim"));

    let anti = seq_at(
        deployment,
        "spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution",
    );
    assert!(anti.iter().any(|t| {
        str_at(t, "podAffinityTerm.topologyKey") == "kubernetes.io/hostname"
            && selects(
                at(t, "podAffinityTerm.labelSelector.matchLabels"),
                pod_labels,
            )
    }));

    let container = the_container(deployment);
    let database = env_var(container, "DATABASE_URL").expect("DATABASE_URL");
    assert!(
        database.get("value").is_none(),
        "DATABASE_URL holds a password"
    );
    let key = str_at(database, "valueFrom.secretKeyRef.key");
    let secret = example_secret();
    let example = str_at(&secret, &format!("stringData.{key}"));
    assert!(example.starts_with("postgres://"), "{example}");

    let pdb = object(&objects, "PodDisruptionBudget");
    assert!(
        selects(at(pdb, "spec.selector.matchLabels"), pod_labels),
        "PDB selector"
    );
    let min = at(pdb, "spec.minAvailable").as_u64().expect("minAvailable");
    assert!(
        min >= 1 && min < replicas,
        "minAvailable {min} with {replicas} replicas"
    );

    let policy = object(&objects, "NetworkPolicy");
    assert!(selects(
        at(policy, "spec.podSelector.matchLabels"),
        pod_labels
    ));
    let ports = |rules: &str| -> Vec<String> {
        seq_at(policy, rules)
            .iter()
            .flat_map(|r| seq_at(r, "ports").iter())
            .map(|p| match at(p, "port") {
                Value::Number(n) => n.to_string(),
                v => v.as_str().unwrap_or_default().to_string(),
            })
            .collect()
    };
    assert!(ports("spec.ingress")
        .iter()
        .any(|p| p == "http" || p == "3000"));
    for needed in ["53", "443", "5432"] {
        assert!(
            ports("spec.egress").iter().any(|p| p == needed),
            "egress to port {needed}"
        );
    }
}

#[test]
fn example_secret_holds_only_placeholders() {
    let secret = example_secret();
    assert_eq!(str_at(&secret, "kind"), "Secret");
    assert!(
        secret.get("data").is_none(),
        "use stringData with placeholders"
    );
    let data = at(&secret, "stringData").as_mapping().expect("stringData");
    assert!(!data.is_empty());
    for (key, value) in data {
        let key = key.as_str().expect("string key");
        let value = value.as_str().expect("string value");
        for prefix in ["xoxb-", "xoxp-", "xapp-"] {
            if let Some(rest) = value.strip_prefix(prefix) {
                assert!(
                    !rest.starts_with(|c: char| c.is_ascii_digit()),
                    "{key} looks like a real token"
                );
            }
        }
        assert!(
            value.contains("REPLACE_ME"),
            "{key} is not an obvious placeholder"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Dockerfile

#[test]
fn dockerfile_builds_in_one_stage_and_runs_unprivileged_in_another() {
    let text = read("Dockerfile");
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let stages: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.to_ascii_uppercase().starts_with("FROM "))
        .map(|(i, _)| i)
        .collect();
    assert!(stages.len() >= 2, "a builder stage and a runtime stage");
    assert!(
        lines[stages[0]]
            .to_ascii_lowercase()
            .ends_with(" as builder"),
        "the first stage is named builder: {}",
        lines[stages[0]]
    );
    let builder = &lines[stages[0]..stages[1]];
    assert!(
        builder.iter().any(|l| l.contains("cargo build")
            && l.contains("--release")
            && l.contains("--locked")),
        "the builder runs cargo build --release --locked"
    );
    assert!(
        builder.iter().any(|l| l.contains("cargo build")
            && l.contains("-p warroom")
            && l.contains("--no-default-features")),
        "the image holds the product only: no emulator, demo or bench"
    );
    let ignore = read(".dockerignore");
    let ignored: Vec<&str> = ignore
        .lines()
        .map(|l| l.trim().trim_end_matches('/'))
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let copies_whole_context = builder
        .iter()
        .any(|l| l.starts_with("COPY . ") || l.starts_with("COPY ./ "));
    for needed in ["src", "migrations", "Cargo.toml", "Cargo.lock"] {
        assert!(
            !ignored.contains(&needed),
            ".dockerignore must not leave out {needed}"
        );
        assert!(
            copies_whole_context
                || builder
                    .iter()
                    .any(|l| l.starts_with("COPY") && l.contains(needed)),
            "the builder copies {needed} (migrations are embedded at compile time)"
        );
    }

    // Base images are build arguments (a registry mirror, or local bases in
    // scripts/image-test.sh) whose defaults are the official images.
    let arg_default = |name: &str| {
        lines
            .iter()
            .find_map(|l| l.strip_prefix(&format!("ARG {name}=")))
            .unwrap_or_else(|| panic!("ARG {name}=<default image>"))
    };
    assert!(arg_default("RUST_IMAGE").contains("rust:1-bookworm"));
    assert!(arg_default("RUNTIME_IMAGE").contains("distroless/cc-debian12"));
    assert!(lines[stages[0]].starts_with("FROM ${RUST_IMAGE}"));

    let runtime = &lines[*stages.last().unwrap()..];
    assert!(runtime[0].starts_with("FROM ${RUNTIME_IMAGE}"));
    assert!(runtime.iter().any(|l| l.starts_with("COPY --from=builder")));
    let user = runtime
        .iter()
        .rev()
        .find_map(|l| l.strip_prefix("USER "))
        .expect("a USER in the runtime stage");
    let user = user.split(':').next().unwrap().trim();
    assert!(!matches!(user, "root" | "0"), "USER {user}");
    assert!(
        runtime.iter().any(|l| l
            .strip_prefix("EXPOSE ")
            .is_some_and(|p| p.split_whitespace().any(|p| p == "3000" || p == "3000/tcp"))),
        "EXPOSE 3000"
    );
    assert!(runtime
        .iter()
        .any(|l| l.starts_with("ENTRYPOINT") && l.contains("warroom")));

    for entry in ["target", ".git"] {
        assert!(ignored.contains(&entry), ".dockerignore leaves out {entry}");
    }
}
