# The 15 indicators of the built-in pack rules/tw-mabis-v4 in Rego, written for speed and
# two-valued: which indicators fail, nothing more. A Rego rule is true or undefined, so "not failed"
# covers both indicia's pass and inconclusive; nothing here tells them apart, nor says which facts
# made an indicator fail.
#
# Input: one evidence object as indicia reads it ({"app", "collected", "facts"}), trusted to be
# valid for the pack's schema (indicia validates it; this policy does not).
# Entry point: data.tw_mabis_fail.failed, the set of the ids of the indicators that fail.
#
# Written as a Rego author who wants speed would write it:
# - what the indicators look up is gathered into sets, one walk per kind (the behavior kinds seen,
#   the data types any flow carries, the symbols of run-time API calls, the declared permissions,
#   the review checks that failed); each set is a rule, which regorus' interpreter evaluates at most
#   once per query, and only when an indicator refers to it;
# - an indicator is then a few `x in set` lookups, iterating over the side that is usually the
#   smaller, or (the four flow indicators) one walk over the flows;
# - an indicator fails when the pack's condition is true; the pack's `unknown` branches (`... and
#   unknown`) can never make it true, so they are left out, and so is every `_unseen` define (it only
#   decides between pass and inconclusive).
# Params are folded in at their defaults, as indicia compiles a pack for one set of param values. The
# three-valued translation (every verdict: fail, pass, inconclusive) is tw_mabis.rego; README.md says
# which work each translation and indicia do.
package tw_mabis_fail

import rego.v1

# ---- Evidence, each kind walked at most once into a set ----------------------------------------------------------
#
# A kind's facts are an array (indicia rejects null there); `collected` and a flow's `data` may be
# null, which counts as absent, and regorus refuses to iterate over null, so those two are tested
# first.

# `observed(permission)`: a manifest or plist was read (the kind is a key of `facts`, even with no
# facts, or is named in `collected`).
permissions_observed if input.facts.permission

permissions_observed if {
	input.collected != null
	"permission" in input.collected
}

behavior_kinds := {b.kind | some b in input.facts.behavior}

flow_data := {d | some f in input.facts.flow; f.data != null; some d in f.data}

runtime_symbols := {a.symbol | some a in input.facts.api; a.source == "runtime"}

declared := {p.name | some p in input.facts.permission}

failed_checks := {f.check | some f in input.facts.finding; f.failed == true}

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

data_rights_checks := {"no_account_deletion", "no_data_export", "no_consent_withdrawal"}

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

# ---- Building blocks ----------------------------------------------------------------------------------

# The pack's X_seen: a behavior of one of `kinds`, a flow carrying one of `types`, or a run-time
# call of one of `symbols`. (`observed(K) and any K where ...` is true exactly when a fact matches.)
seen(kinds, _, _) if {
	some k in kinds
	k in behavior_kinds
}

seen(_, types, _) if {
	some t in types
	t in flow_data
}

seen(_, _, symbols) if {
	some s in runtime_symbols
	s in symbols
}

# The pack's `not observed(permission) or may_X`: no manifest was read, or it declares one of `names`.
# An indicator calls it only after `seen` held, so `seen` runs once per indicator.
manifest_allows(_) if not permissions_observed

manifest_allows(names) if {
	some n in names
	n in declared
}

# ---- The 15 indicators -----------------------------------------------------------------------------

failed contains "TW-PD-01" if {
	seen({"location_read"}, {"location"}, location_apis)
	manifest_allows(location_permissions)
}

failed contains "TW-PD-02" if {
	seen({"contacts_read"}, {"contacts"}, contacts_apis)
	manifest_allows(contacts_permissions)
}

failed contains "TW-PD-03" if seen({"clipboard_read"}, {"clipboard"}, clipboard_apis)

failed contains "TW-PD-04" if {
	seen({"screenshot_read", "screen_capture"}, {"screenshot", "screen_recording"}, screen_capture_apis)
}

failed contains "TW-PD-05" if {
	seen({"storage_read", "photos_read"}, {"storage_file"}, storage_apis)
	manifest_allows(storage_permissions)
}

failed contains "TW-EP-01" if "excessive_mandatory_fields" in failed_checks

failed contains "TW-EP-02" if "excessive_permissions" in failed_checks

failed contains "TW-EP-02" if {
	some n in never_justified_permissions
	n in declared
}

failed contains "TW-EP-03" if "forced_consent" in failed_checks

# Personal data sent before consent.
failed contains "TW-EP-03" if {
	some f in input.facts.flow
	f.before_consent == true
	f.data != null
	some d in f.data
	d in personal_data
}

failed contains "TW-EP-04" if {
	some c in data_rights_checks
	c in failed_checks
}

# Non-essential data sent while the app is not in use.
failed contains "TW-DT-01" if {
	some f in input.facts.flow
	f.state in not_in_use_states
	f.data != null
	some d in f.data
	d in nonessential_data
}

# Personal data shared with a third-party SDK.
failed contains "TW-DT-02" if {
	some f in input.facts.flow
	f.sdk != null
	f.data != null
	some d in f.data
	d in personal_data
}

failed contains "TW-DT-03" if {
	some f in input.facts.flow
	f.country in restricted_countries
}

failed contains "TW-SI-01" if seen({"app_list_read"}, {"app_list"}, app_list_apis)

failed contains "TW-SI-02" if seen(device_parameter_reads, device_parameter_types, device_id_apis)

failed contains "TW-BIO-01" if {
	seen({"face_capture"}, {"face"}, face_apis)
	manifest_allows(face_source_permissions)
}
