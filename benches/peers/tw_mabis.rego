# The 15 indicators of the built-in pack rules/tw-mabis-v4, translated to Rego for regorus.
#
# Input: one evidence object exactly as indicia reads it ({"app", "collected", "facts"}).
# Entry point: data.tw_mabis.verdicts, an object from indicator id to "fail", "pass" or "inconclusive".
#
# Rego is two-valued (a rule is true or undefined), so the three-valued logic of indicia is encoded
# by hand: every condition C of the pack becomes two rules, C_t ("C is true": the indicator fails)
# and C_f ("C is false": it passes); when neither holds, C is unknown and the verdict inconclusive.
# The Kleene rules become
#   (a and b)_t = a_t and b_t            (a and b)_f = a_f or b_f
#   (a or b)_t  = a_t or b_t             (a or b)_f  = a_f and b_f
#   (not a)_t   = a_f                    (not a)_f   = a_t
#   (any K where P)_t = K observed and some fact has P_t
#   (any K where P)_f = K observed and every fact has P_f
#   unknown_t = unknown_f = false;  observed(K) is never unknown.
# Where a `where` body reads only required fields (or guards every optional one with `has`), P is
# two-valued and P_f is simply "not P_t". Params are folded in at their defaults, as indicia compiles
# a pack for one set of param values. See README.md for the translation and its limits.
package tw_mabis

import rego.v1

# ---- Evidence --------------------------------------------------------------------------------------

observed contains kind if some kind, _ in input.facts

# `collected: null` counts as absent (regorus refuses to iterate over null).
observed contains kind if {
	input.collected != null
	some kind in input.collected
}

default permissions := []

permissions := input.facts.permission

default apis := []

apis := input.facts.api

default flows := []

flows := input.facts.flow

default watched := []

watched := input.facts.watched

default behaviors := []

behaviors := input.facts.behavior

default findings := []

findings := input.facts.finding

# True when list `xs` and set `s` share an element.
intersects(xs, s) if {
	some x in xs
	x in s
}

# ---- Params (defaults of schema.ind / standard.ind) -----------------------------------------------

restricted_countries := {"CN"}

not_in_use_states := {"not_launched", "background"}

nonessential_data := {
	"contacts", "location", "clipboard", "screenshot", "screen_recording", "app_list", "device_id",
	"phone_number", "sms", "call_log", "calendar", "camera", "microphone", "face", "fingerprint",
	"voiceprint", "identity_document",
}

personal_data := {
	"contacts", "location", "clipboard", "screenshot", "screen_recording", "storage_file", "photos",
	"app_list", "device_id", "phone_number", "sms", "call_log", "calendar", "camera", "microphone",
	"face", "fingerprint", "voiceprint", "account", "identity_document",
}

device_parameter_types := {"device_id", "phone_number"}

device_parameter_reads := {"device_id_read", "phone_number_read"}

never_justified_permissions := {"android.permission.READ_PRIVILEGED_PHONE_STATE"}

# ---- Consts -----------------------------------------------------------------------------------------

face_source_permissions := {
	"android.permission.CAMERA",
	"NSCameraUsageDescription",
	"android.permission.READ_EXTERNAL_STORAGE",
	"android.permission.WRITE_EXTERNAL_STORAGE",
	"android.permission.MANAGE_EXTERNAL_STORAGE",
	"android.permission.READ_MEDIA_IMAGES",
	"android.permission.READ_MEDIA_VIDEO",
	"NSPhotoLibraryUsageDescription",
}

face_apis := {
	"com.google.mlkit.vision.face.FaceDetector.process",
	"com.google.android.gms.vision.face.FaceDetector.detect",
	"android.media.FaceDetector.findFaces",
	"ARFaceTrackingConfiguration.init",
	"VNDetectFaceRectanglesRequest.init",
	"VNDetectFaceLandmarksRequest.init",
	"VNDetectFaceCaptureQualityRequest.init",
}

location_permissions := {
	"android.permission.ACCESS_FINE_LOCATION",
	"android.permission.ACCESS_COARSE_LOCATION",
	"android.permission.ACCESS_BACKGROUND_LOCATION",
	"android.permission.ACCESS_MEDIA_LOCATION",
	"NSLocationWhenInUseUsageDescription",
	"NSLocationAlwaysAndWhenInUseUsageDescription",
	"NSLocationAlwaysUsageDescription",
	"NSLocationUsageDescription",
	"UIBackgroundModes:location",
}

location_apis := {
	"android.location.LocationManager.getLastKnownLocation",
	"android.location.LocationManager.requestLocationUpdates",
	"android.location.LocationManager.requestSingleUpdate",
	"android.location.LocationManager.getCurrentLocation",
	"com.google.android.gms.location.FusedLocationProviderClient.getLastLocation",
	"com.google.android.gms.location.FusedLocationProviderClient.getCurrentLocation",
	"com.google.android.gms.location.FusedLocationProviderClient.requestLocationUpdates",
	"android.telephony.TelephonyManager.getAllCellInfo",
	"android.telephony.TelephonyManager.getCellLocation",
	"android.net.wifi.WifiManager.getScanResults",
	"CLLocationManager.startUpdatingLocation",
	"CLLocationManager.requestLocation",
	"CLLocationManager.startMonitoringSignificantLocationChanges",
	"CLLocationManager.location",
}

contacts_permissions := {"android.permission.READ_CONTACTS", "NSContactsUsageDescription"}

contacts_apis := {
	"CNContactStore.enumerateContactsWithFetchRequest:error:usingBlock:",
	"CNContactStore.unifiedContactsMatchingPredicate:keysToFetch:error:",
	"CNContactStore.unifiedMeContactWithKeysToFetch:error:",
}

clipboard_apis := {
	"android.content.ClipboardManager.getPrimaryClip",
	"android.content.ClipboardManager.getText",
	"android.text.ClipboardManager.getText",
	"UIPasteboard.string",
	"UIPasteboard.strings",
	"UIPasteboard.items",
	"UIPasteboard.URL",
	"UIPasteboard.image",
	"UIPasteboard.dataForPasteboardType:",
	"UIPasteboard.valueForPasteboardType:",
}

screen_capture_apis := {
	"android.media.projection.MediaProjectionManager.getMediaProjection",
	"android.media.projection.MediaProjection.createVirtualDisplay",
	"android.accessibilityservice.AccessibilityService.takeScreenshot",
	"RPScreenRecorder.startCaptureWithHandler:completionHandler:",
	"RPScreenRecorder.startRecordingWithHandler:",
}

storage_permissions := {
	"android.permission.READ_EXTERNAL_STORAGE",
	"android.permission.WRITE_EXTERNAL_STORAGE",
	"android.permission.MANAGE_EXTERNAL_STORAGE",
	"android.permission.READ_MEDIA_IMAGES",
	"android.permission.READ_MEDIA_VIDEO",
	"android.permission.READ_MEDIA_AUDIO",
	"NSPhotoLibraryUsageDescription",
}

storage_apis := {
	"PHAsset.fetchAssetsWithOptions:",
	"PHAsset.fetchAssetsWithMediaType:options:",
	"PHAssetCollection.fetchAssetCollectionsWithType:subtype:options:",
}

app_list_apis := {
	"android.content.pm.PackageManager.getInstalledPackages",
	"android.content.pm.PackageManager.getInstalledApplications",
	"android.content.pm.PackageManager.getInstalledModules",
	"LSApplicationWorkspace.allInstalledApplications",
	"LSApplicationWorkspace.allApplications",
}

device_id_apis := {
	"android.telephony.TelephonyManager.getDeviceId",
	"android.telephony.TelephonyManager.getImei",
	"android.telephony.TelephonyManager.getMeid",
	"android.telephony.TelephonyManager.getSubscriberId",
	"android.telephony.TelephonyManager.getSimSerialNumber",
	"android.telephony.TelephonyManager.getLine1Number",
	"android.os.Build.getSerial",
	"android.net.wifi.WifiInfo.getMacAddress",
	"java.net.NetworkInterface.getHardwareAddress",
	"com.google.android.gms.ads.identifier.AdvertisingIdClient.getAdvertisingIdInfo",
	"UIDevice.identifierForVendor",
	"ASIdentifierManager.advertisingIdentifier",
}

sensitive_permissions := {
	"android.permission.ACCESS_FINE_LOCATION",
	"android.permission.ACCESS_COARSE_LOCATION",
	"android.permission.ACCESS_BACKGROUND_LOCATION",
	"android.permission.ACCESS_MEDIA_LOCATION",
	"android.permission.READ_CONTACTS",
	"android.permission.WRITE_CONTACTS",
	"android.permission.GET_ACCOUNTS",
	"android.permission.READ_CALENDAR",
	"android.permission.WRITE_CALENDAR",
	"android.permission.READ_CALL_LOG",
	"android.permission.WRITE_CALL_LOG",
	"android.permission.PROCESS_OUTGOING_CALLS",
	"android.permission.READ_PHONE_STATE",
	"android.permission.READ_PHONE_NUMBERS",
	"android.permission.READ_PRIVILEGED_PHONE_STATE",
	"android.permission.CALL_PHONE",
	"android.permission.ANSWER_PHONE_CALLS",
	"android.permission.READ_SMS",
	"android.permission.SEND_SMS",
	"android.permission.RECEIVE_SMS",
	"android.permission.RECEIVE_MMS",
	"android.permission.RECEIVE_WAP_PUSH",
	"android.permission.CAMERA",
	"android.permission.RECORD_AUDIO",
	"android.permission.BODY_SENSORS",
	"android.permission.BODY_SENSORS_BACKGROUND",
	"android.permission.ACTIVITY_RECOGNITION",
	"android.permission.READ_EXTERNAL_STORAGE",
	"android.permission.WRITE_EXTERNAL_STORAGE",
	"android.permission.MANAGE_EXTERNAL_STORAGE",
	"android.permission.READ_MEDIA_IMAGES",
	"android.permission.READ_MEDIA_VIDEO",
	"android.permission.READ_MEDIA_AUDIO",
	"android.permission.NEARBY_WIFI_DEVICES",
	"android.permission.BLUETOOTH_SCAN",
	"android.permission.BLUETOOTH_CONNECT",
	"android.permission.QUERY_ALL_PACKAGES",
	"android.permission.PACKAGE_USAGE_STATS",
	"android.permission.SYSTEM_ALERT_WINDOW",
	"com.android.permission.GET_INSTALLED_APPS",
	"NSLocationWhenInUseUsageDescription",
	"NSLocationAlwaysAndWhenInUseUsageDescription",
	"NSLocationAlwaysUsageDescription",
	"NSLocationUsageDescription",
	"UIBackgroundModes:location",
	"NSContactsUsageDescription",
	"NSCalendarsUsageDescription",
	"NSRemindersUsageDescription",
	"NSCameraUsageDescription",
	"NSMicrophoneUsageDescription",
	"NSPhotoLibraryUsageDescription",
	"NSSpeechRecognitionUsageDescription",
	"NSMotionUsageDescription",
	"NSHealthShareUsageDescription",
	"NSBluetoothAlwaysUsageDescription",
	"NSLocalNetworkUsageDescription",
	"NSUserTrackingUsageDescription",
}

# ---- Building blocks shared by the collection indicators ---------------------------------------------
#
# Each X_seen of the pack is
#   any behavior where kind == K
#   or any flow where (has data and D in data)
#   or (observed(api) and any api where (has source and source == "runtime" and symbol in X_apis))
# whose three `where` bodies are two-valued. The indicator is `X_seen or (not X_unseen and unknown)`
# (the kind `watched`, docs/extract.md): it fails when one of the three matches, passes when none
# matches and a behavior monitor looked for X (seen_f below), and is unknown otherwise.

behavior_kind(kinds) if {
	some b in behaviors
	b.kind in kinds
}

flow_carries(types) if {
	some f in flows
	f.data != null
	intersects(f.data, types)
}

runtime_api(symbols) if {
	some a in apis
	a.source != null
	a.source == "runtime"
	a.symbol in symbols
}

declares(names) if {
	some p in permissions
	p.name in names
}

seen_t(kinds, types, symbols) if behavior_kind(kinds)

seen_t(kinds, types, symbols) if flow_carries(types)

seen_t(kinds, types, symbols) if runtime_api(symbols)

# `not X_seen and X_unseen`: a behavior monitor looked for every kind (a source watched it, or, for
# evidence without `watched`, a full dynamic analysis with a capture ran) and saw neither it nor a
# refused attempt (`kind_attempt`), and nothing else matched.
seen_f(kinds, types, symbols) if {
	"behavior" in observed
	not behavior_kind(kinds)
	not behavior_kind(attempts(kinds))
	not flow_carries(types)
	not runtime_api(symbols)
	looked_for(kinds)
}

attempts(kinds) := {sprintf("%s_attempt", [k]) | some k in kinds}

looked_for(kinds) if {
	not "watched" in observed
	"flow" in observed
}

looked_for(kinds) if {
	"watched" in observed
	every k in kinds {
		some w in watched
		w.behavior == k
	}
}

# `seen and (not observed(permission) or any permission where name in names)`.
gated_t(kinds, types, symbols, names) if {
	seen_t(kinds, types, symbols)
	not "permission" in observed
}

gated_t(kinds, types, symbols, names) if {
	seen_t(kinds, types, symbols)
	declares(names)
}

gated_f(kinds, types, symbols, names) if seen_f(kinds, types, symbols)

gated_f(kinds, types, symbols, names) if {
	"permission" in observed
	not declares(names)
}

# `any finding where (check in checks and failed)`: true, or false when findings were observed.
finding_failed(checks) if {
	some f in findings
	f.check in checks
	f.failed == true
}

reviewed(check) if {
	some f in findings
	f.check == check
}

# `(any finding where (check == C and failed)) or ((none finding where check == C) and unknown)`:
# true when C failed; false when C was reviewed and did not fail.
review_t(check) if finding_failed({check})

review_f(check) if {
	reviewed(check)
	not finding_failed({check})
}

# ---- The 15 indicators -----------------------------------------------------------------------------

# TW-PD-01 location
pd01_t if gated_t({"location_read"}, {"location"}, location_apis, location_permissions)

pd01_f if gated_f({"location_read"}, {"location"}, location_apis, location_permissions)

# TW-PD-02 contact list
pd02_t if gated_t({"contacts_read"}, {"contacts"}, contacts_apis, contacts_permissions)

pd02_f if gated_f({"contacts_read"}, {"contacts"}, contacts_apis, contacts_permissions)

# TW-PD-03 clipboard
pd03_t if seen_t({"clipboard_read"}, {"clipboard"}, clipboard_apis)

pd03_f if seen_f({"clipboard_read"}, {"clipboard"}, clipboard_apis)

# TW-PD-04 screenshots
pd04_t if seen_t({"screenshot_read", "screen_capture"}, {"screenshot", "screen_recording"}, screen_capture_apis)

pd04_f if seen_f({"screenshot_read", "screen_capture"}, {"screenshot", "screen_recording"}, screen_capture_apis)

# TW-PD-05 on-device storage
pd05_t if gated_t({"storage_read", "photos_read"}, {"storage_file"}, storage_apis, storage_permissions)

pd05_f if gated_f({"storage_read", "photos_read"}, {"storage_file"}, storage_apis, storage_permissions)

# TW-EP-01 over-filling personal data
ep01_t if review_t("excessive_mandatory_fields")

ep01_f if review_f("excessive_mandatory_fields")

# TW-EP-02 excessive permissions
#   (observed(finding) and any finding where (check == "excessive_permissions" and failed))
#   or (observed(permission) and any permission where name in never_justified_permissions)
#   or (not reviewed and any permission where name in sensitive_permissions and unknown)
ep02_t if finding_failed({"excessive_permissions"})

ep02_t if declares(never_justified_permissions)

ep02_f if {
	not finding_failed({"excessive_permissions"})
	not declares(never_justified_permissions)
	ep02_unreviewed_f
}

# `not reviewed and any permission where name in sensitive_permissions and unknown` is never true;
# it is false when the review was done or when a read manifest declares no sensitive permission.
ep02_unreviewed_f if reviewed("excessive_permissions")

ep02_unreviewed_f if {
	"permission" in observed
	not declares(sensitive_permissions)
}

# TW-EP-03 forced consent
#   (any finding where (check == "forced_consent" and failed))
#   or (observed(flow) and personal_data_before_consent)
#   or ((none finding where check == "forced_consent") and unknown)
# where personal_data_before_consent =
#   any flow where (has before_consent and before_consent and data intersects personal_data),
# whose body is unknown for a flow sent before consent with no `data`.
pre_consent_t(f) if {
	f.before_consent != null
	f.before_consent == true
	f.data != null
	intersects(f.data, personal_data)
}

# A missing or null before_consent makes `has before_consent` false, and so does false.
pre_consent_f(f) if not f.before_consent == true

pre_consent_f(f) if {
	f.data != null
	not intersects(f.data, personal_data)
}

ep03_t if finding_failed({"forced_consent"})

ep03_t if {
	some f in flows
	pre_consent_t(f)
}

ep03_f if {
	review_f("forced_consent")
	ep03_flows_f
}

ep03_flows_f if not "flow" in observed

ep03_flows_f if {
	every f in flows {
		pre_consent_f(f)
	}
}

# TW-EP-04 inadequate protection of personal-data rights
data_rights_checks := {"no_account_deletion", "no_data_export", "no_consent_withdrawal"}

ep04_t if finding_failed(data_rights_checks)

ep04_f if {
	not finding_failed(data_rights_checks)
	reviewed("no_account_deletion")
	reviewed("no_data_export")
	reviewed("no_consent_withdrawal")
}

# TW-DT-01 uploads while the app is not in use:
#   any flow where (state in not_in_use_states and data intersects nonessential_data)
dt01_t if {
	some f in flows
	f.state != null
	f.state in not_in_use_states
	f.data != null
	intersects(f.data, nonessential_data)
}

dt01_p_f(f) if {
	f.state != null
	not f.state in not_in_use_states
}

dt01_p_f(f) if {
	f.data != null
	not intersects(f.data, nonessential_data)
}

dt01_f if {
	"flow" in observed
	every f in flows {
		dt01_p_f(f)
	}
}

# TW-DT-02 sharing with third-party SDKs: any flow where (has sdk and data intersects personal_data)
dt02_t if {
	some f in flows
	f.sdk != null
	f.data != null
	intersects(f.data, personal_data)
}

dt02_p_f(f) if not f.sdk != null

dt02_p_f(f) if {
	f.data != null
	not intersects(f.data, personal_data)
}

dt02_f if {
	"flow" in observed
	every f in flows {
		dt02_p_f(f)
	}
}

# TW-DT-03 packets to China: any flow where country in restricted_countries
dt03_t if {
	some f in flows
	f.country != null
	f.country in restricted_countries
}

dt03_f if {
	"flow" in observed
	every f in flows {
		f.country != null
		not f.country in restricted_countries
	}
}

# TW-SI-01 installed-app list
si01_t if seen_t({"app_list_read"}, {"app_list"}, app_list_apis)

si01_f if seen_f({"app_list_read"}, {"app_list"}, app_list_apis)

# TW-SI-02 device parameters
si02_t if seen_t(device_parameter_reads, device_parameter_types, device_id_apis)

# The pack's attempt list for TW-SI-02 is fixed: the three device reads of the vocabulary.
si02_f if {
	seen_f(device_parameter_reads, device_parameter_types, device_id_apis)
	not behavior_kind({"device_id_read_attempt", "phone_number_read_attempt", "device_info_read_attempt"})
}

# TW-BIO-01 facial information
bio01_t if gated_t({"face_capture"}, {"face"}, face_apis, face_source_permissions)

bio01_f if gated_f({"face_capture"}, {"face"}, face_apis, face_source_permissions)

# ---- Verdicts --------------------------------------------------------------------------------------

verdict(t, _) := "fail" if t

verdict(t, f) := "pass" if {
	not t
	f
}

verdict(t, f) := "inconclusive" if {
	not t
	not f
}

default pd01_t := false

default pd01_f := false

default pd02_t := false

default pd02_f := false

default pd03_t := false

default pd03_f := false

default pd04_t := false

default pd04_f := false

default pd05_t := false

default pd05_f := false

default ep01_t := false

default ep01_f := false

default ep02_t := false

default ep02_f := false

default ep03_t := false

default ep03_f := false

default ep04_t := false

default ep04_f := false

default dt01_t := false

default dt01_f := false

default dt02_t := false

default dt02_f := false

default dt03_t := false

default dt03_f := false

default si01_t := false

default si01_f := false

default si02_t := false

default si02_f := false

default bio01_t := false

default bio01_f := false

verdicts := {
	"TW-PD-01": verdict(pd01_t, pd01_f),
	"TW-PD-02": verdict(pd02_t, pd02_f),
	"TW-PD-03": verdict(pd03_t, pd03_f),
	"TW-PD-04": verdict(pd04_t, pd04_f),
	"TW-PD-05": verdict(pd05_t, pd05_f),
	"TW-EP-01": verdict(ep01_t, ep01_f),
	"TW-EP-02": verdict(ep02_t, ep02_f),
	"TW-EP-03": verdict(ep03_t, ep03_f),
	"TW-EP-04": verdict(ep04_t, ep04_f),
	"TW-DT-01": verdict(dt01_t, dt01_f),
	"TW-DT-02": verdict(dt02_t, dt02_f),
	"TW-DT-03": verdict(dt03_t, dt03_f),
	"TW-SI-01": verdict(si01_t, si01_f),
	"TW-SI-02": verdict(si02_t, si02_f),
	"TW-BIO-01": verdict(bio01_t, bio01_f),
}
