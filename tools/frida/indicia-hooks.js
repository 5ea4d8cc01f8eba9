/*
 * indicia-hooks.js: hooks the platform APIs behind the built-in pack's behaviors and prints one JSON line
 * per call, for `indicia extract --frida-log LOG` (format: docs/extract.md, "Frida hooks").
 *
 *   frida -U -f com.example.app -l tools/frida/indicia-hooks.js -o hooks.jsonl      # Android or iOS
 *
 * Lines:
 *   {"indicia":1,"type":"hooks","platform":"android","app":"com.example.app","watched":[…],"seen_only":[…],"failed":[…]}
 *   {"indicia":1,"type":"call","behavior":"clipboard_read","api":"android.content.ClipboardManager.getPrimaryClip",
 *    "state":"foreground","stack":["com.example.Foo.bar(Foo.java:12)",…],"time":"2026-12-05T21:14:05.101Z"}
 *
 * `watched` lists a behavior only when the script hooks every platform API that hands out its data or
 * starts it (Java methods and the NDK's or the system frameworks' C functions alike) and every one of those
 * hooks was installed. A platform method or library that this device's system does not have counts as
 * installed: no app can call it here. Behaviors in SEEN_ONLY are reported when called but never watched:
 * they need no platform API, or their APIs cannot all be hooked by name (see SEEN_ONLY for why).
 * The `hooks` line is printed once, when the app's own classes can be loaded (Android: when
 * Application.onCreate begins; iOS: at once).
 *
 * Licence: Apache-2.0 OR MIT, as the rest of indicia.
 */
'use strict';

var STACK_DEPTH = 24;

// An app that asks about this many distinct other apps (package names, URL schemes) is enumerating them:
// each further one is reported as `app_list_read`. Fewer are interoperability checks (is Play services
// there, can a share target open), which the built-in pack does not count.
var PROBE_LIMIT = 10;

// Behaviors reported when seen but never listed as watched, and why.
var SEEN_ONLY = {
  android: {
    face_capture: 'face detection needs no platform API: any SDK or native library can run it on camera frames',
    device_id_read: 'identifiers come from open-ended sources (MediaDrm, vendor OAID services, the advertising id ' +
      'over a hand-made binder client, Build fields read as fields)',
    microphone_record: 'OpenSL ES creates recorders through interface tables, which no hook by name covers',
  },
  ios: {
    face_capture: 'face detection needs no platform API: any SDK or native library can run it on camera frames',
    microphone_record: 'audio units (RemoteIO, voice processing) record through C APIs set up by properties',
    screen_capture: 'a broadcast upload extension captures the screen in its own process, which is not hooked',
    location_read: 'iOS 17 delivers locations through Swift APIs (CLLocationUpdate, CLMonitor) that are not hooked',
  },
};

function emit(obj) {
  obj.indicia = 1;
  console.log(JSON.stringify(obj));
}

function now() {
  return new Date().toISOString();
}

function errorText(e) {
  return String((e && e.message) || e);
}

// ---- bookkeeping: which behaviors had all their hooks installed ------------------------------------

var platform = null;
var plan = {};     // behavior -> { total: n, ok: n }
var failed = [];   // [{api, error}]

function planned(behavior) {
  if (!plan[behavior]) plan[behavior] = { total: 0, ok: 0 };
  return plan[behavior];
}

function installed(behavior) {
  planned(behavior).ok += 1;
}

function seenOnly() {
  return Object.keys(SEEN_ONLY[platform] || {}).sort();
}

function watchedList() {
  var never = SEEN_ONLY[platform] || {};
  return Object.keys(plan).filter(function (b) {
    return !never[b] && plan[b].total > 0 && plan[b].ok === plan[b].total;
  }).sort();
}

function reportHooks(app) {
  emit({ type: 'hooks', platform: platform, app: app, watched: watchedList(), seen_only: seenOnly(), failed: failed });
}

// Counts one hook of `behavior` in the plan and installs it. `find()` returns what to hook or throws;
// `attach(target)` installs the hook or throws. Options:
//   app: the class belongs to an SDK that the app may not contain; when it is missing, nothing is hooked
//        and nothing counted (only for SEEN_ONLY behaviors: a watched behavior is hooked in the platform).
//   absent(): true when this device's system lacks the API (an older version): the hook counts as
//        installed, since no app can call it here.
function plannedHook(behavior, api, opts, find, attach) {
  var target;
  try {
    target = find();
  } catch (e) {
    if (opts.app) return;
    planned(behavior).total += 1;
    if (opts.absent && opts.absent()) { installed(behavior); return; }
    failed.push({ api: api, error: errorText(e) });
    return;
  }
  planned(behavior).total += 1;
  try {
    attach(target);
    installed(behavior);
  } catch (e) {
    if (opts.absent && opts.absent()) { installed(behavior); return; }
    failed.push({ api: api, error: errorText(e) });
  }
}

// Installs a table of hooks: rows of [behavior, owner (class or library), [methods…], opts?], through `hook`.
function hookTable(hook, rows) {
  rows.forEach(function (row) {
    row[2].forEach(function (method) { hook(row[0], row[1], method, row[3] || {}); });
  });
}

// Distinct other apps asked about, per kind of question.
var probes = {};

// Whether asking about `target` makes the app an enumerator: the PROBE_LIMIT-th distinct target and every
// one after it.
function probe(family, target, own) {
  if (target === own || target === 'null' || target === 'undefined') return false;
  var seen = probes[family] || (probes[family] = { targets: {}, count: 0 });
  if (seen.targets[target]) return false;
  seen.targets[target] = true;
  seen.count += 1;
  return seen.count >= PROBE_LIMIT;
}

// A shell command that lists the installed packages: `pm list packages`, `cmd package list packages`.
function listsPackages(command) {
  return /(^|[\s\/;&|])(pm|cmd\s+package)\s+list\s+packages/.test(String(command));
}

// Native hooks: `find` loads the library (a system library the app has not loaded yet is loaded now, so
// that a later dlopen by the app cannot bypass the hook) and looks the function up by name.
function nativeStack(context) {
  try {
    return Thread.backtrace(context, Backtracer.ACCURATE).slice(0, STACK_DEPTH).map(function (addr) {
      return DebugSymbol.fromAddress(addr).toString();
    });
  } catch (e) {
    return [];
  }
}

function hookNative(behavior, library, symbol, opts) {
  var api = library.split('/').pop() + '!' + symbol;
  plannedHook(behavior, api, opts, function () {
    return Module.load(library).getExportByName(symbol);
  }, function (address) {
    interceptCalls(address, behavior, api, opts);
  });
}

// Reports each call of the function at `address` (`filter(args)` may pick the behavior or skip the call),
// with a native stack.
function interceptCalls(address, behavior, api, opts) {
  Interceptor.attach(address, {
    onEnter: function (args) {
      try {
        var b = opts.filter ? opts.filter(args) : behavior;
        if (b) emit({ type: 'call', behavior: b, api: api, state: appState(), stack: nativeStack(this.context), time: now() });
      } catch (e) { /* never break the app */ }
    },
  });
}

// `argv` of posix_spawn: a NULL-terminated array of C strings.
function argvText(argv) {
  var parts = [];
  for (var i = 0; i < 64; i++) {
    var p = argv.add(i * Process.pointerSize).readPointer();
    if (p.isNull()) break;
    parts.push(p.readCString());
  }
  return parts.join(' ');
}

// `pm list packages` run by native code through libc (a hand-made fork and exec is not seen: the child
// process is not hooked).
function nativeExecHooks(libc, since28) {
  var command = { filter: function (args) { return listsPackages(args[0].readCString()) ? 'app_list_read' : null; } };
  var spawn = {
    absent: since28,
    filter: function (args) { return listsPackages(argvText(args[4])) ? 'app_list_read' : null; },
  };
  hookTable(hookNative, [
    ['app_list_read', libc, ['popen', 'system'], command],
    ['app_list_read', libc, ['posix_spawn', 'posix_spawnp'], spawn],
  ]);
}

var appState = function () { return null; };

// ---- Android ----------------------------------------------------------------------------------------

function androidState() {
  try {
    var AM = Java.use('android.app.ActivityManager');
    var Info = Java.use('android.app.ActivityManager$RunningAppProcessInfo');
    var info = Info.$new();
    AM.getMyMemoryState(info);
    var importance = info.importance.value;
    if (importance <= 100) return 'foreground';           // IMPORTANCE_FOREGROUND
    if (importance <= 125) return 'foreground_service';   // IMPORTANCE_FOREGROUND_SERVICE
    if (importance <= 200) return 'foreground';           // IMPORTANCE_VISIBLE
    return 'background';
  } catch (e) {
    return null;
  }
}

function androidStack() {
  try {
    var Exception = Java.use('java.lang.Exception');
    var frames = Exception.$new().getStackTrace();
    var out = [];
    for (var i = 0; i < frames.length && out.length < STACK_DEPTH; i++) {
      out.push(frames[i].toString());
    }
    return out;
  } catch (e) {
    return [];
  }
}

function androidCall(behavior, api) {
  emit({ type: 'call', behavior: behavior, api: api, state: androidState(), stack: androidStack(), time: now() });
}

var sdkInt = null;

function androidSdk() {
  if (sdkInt === null) {
    try { sdkInt = Java.use('android.os.Build$VERSION').SDK_INT.value; } catch (e) { sdkInt = 0; }
  }
  return sdkInt;
}

// `absent` for an API added in Android API level `level`.
function since(level) {
  return function () { var v = androidSdk(); return v > 0 && v < level; };
}

var ownPackage = null;

// The app's package, once the framework knows it (before Application.onCreate, from ActivityThread).
function androidPackage() {
  if (ownPackage === null) {
    try {
      var name = Java.use('android.app.ActivityThread').currentPackageName();
      if (name !== null) ownPackage = String(name);
    } catch (e) { /* not bound yet */ }
  }
  return ownPackage || '';
}

// Hooks every overload of CLASS.METHOD. `filter(args, self)` may return a behavior (or null to skip the
// call); without it every call is `behavior`. The call is reported even when it throws (a probe for an
// app that is not installed throws NameNotFoundException: the app still learned the answer).
function hookJava(behavior, className, method, opts) {
  var api = className + '.' + method;
  plannedHook(behavior, api, opts, function () { return Java.use(className); }, function (cls) {
    var m = cls[method];
    if (!m || !m.overloads) throw new Error(method + ': no such method');
    m.overloads.forEach(function (ov) {
      ov.implementation = function () {
        var self = this;
        var args = arguments;
        try {
          return ov.apply(self, args);
        } finally {
          try {
            var b = opts.filter ? opts.filter(args, self) : behavior;
            if (b) androidCall(b, api);
          } catch (e) { /* never break the app */ }
        }
      };
    });
  });
}

function uriBehavior(uri) {
  var s = String(uri);
  if (s.indexOf('content://com.android.contacts') === 0 || s.indexOf('content://contacts') === 0) return 'contacts_read';
  if (s.indexOf('content://sms') === 0 || s.indexOf('content://mms-sms') === 0) return 'sms_read';
  if (s.indexOf('content://call_log') === 0) return 'call_log_read';
  if (s.indexOf('content://media/') === 0 && s.indexOf('/images') > 0) return 'photos_read';
  if (s.indexOf('content://media/') === 0) return 'storage_read';
  return null;
}

// An intent that asks for every launchable app: MAIN + LAUNCHER, no package, no component.
function launcherQuery(intent) {
  try {
    if (intent.getPackage() !== null || intent.getComponent() !== null) return false;
    var categories = intent.getCategories();
    return String(intent.getAction()) === 'android.intent.action.MAIN' &&
      categories !== null && categories.contains('android.intent.category.LAUNCHER');
  } catch (e) {
    return false;
  }
}

// MediaRecorder objects that were given an audio source (by identity hash): only their start() records.
var audioRecorders = {};

function identity(obj) {
  return Java.use('java.lang.System').identityHashCode(obj);
}

function androidPlatformHooks() {
  var contentUri = { filter: function (args) { return uriBehavior(args[0]); } };
  var androidId = { filter: function (args) { return String(args[1]) === 'android_id' ? 'device_id_read' : null; } };
  var drmId = { filter: function (args) { return String(args[0]) === 'deviceUniqueId' ? 'device_id_read' : null; } };
  var packageProbe = {
    filter: function (args) { return probe('package', String(args[0]), androidPackage()) ? 'app_list_read' : null; },
  };
  var launcher = { filter: function (args) { return launcherQuery(args[0]) ? 'app_list_read' : null; } };
  var allLaunchers = { filter: function (args) { return args[0] === null ? 'app_list_read' : null; } };
  var exec = {
    filter: function (args, self) {
      var words = String(self.command().toString()).replace(/^\[|\]$/g, '').split(', ');   // [pm, list, packages]
      return listsPackages(words.join(' ')) ? 'app_list_read' : null;
    },
  };
  var audioSource = {
    filter: function (args, self) { audioRecorders[identity(self)] = true; return null; },
  };
  var recorderStart = {
    filter: function (args, self) { return audioRecorders[identity(self)] ? 'microphone_record' : null; },
  };
  var recorderReset = {
    filter: function (args, self) { delete audioRecorders[identity(self)]; return null; },
  };
  var PM = 'android.app.ApplicationPackageManager';
  hookTable(hookJava, [
    ['clipboard_read', 'android.content.ClipboardManager', ['getPrimaryClip', 'getText']],
    // The installed-app list: whole-list calls, launcher queries, many probes, and `pm list packages`
    // (Runtime.exec builds a ProcessBuilder: one hook covers both).
    ['app_list_read', PM, ['getInstalledPackages', 'getInstalledApplications', 'getPackagesHoldingPermissions']],
    ['app_list_read', PM, ['getInstalledModules'], { absent: since(29) }],
    ['app_list_read', PM, ['queryIntentActivities', 'queryIntentServices', 'queryBroadcastReceivers',
      'queryIntentContentProviders'], launcher],
    ['app_list_read', PM, ['getPackageInfo', 'getApplicationInfo', 'getLaunchIntentForPackage', 'getPackageUid'],
      packageProbe],
    ['app_list_read', 'android.content.pm.LauncherApps', ['getActivityList'], allLaunchers],
    ['app_list_read', 'java.lang.ProcessBuilder', ['start'], exec],
    ['location_read', 'android.location.LocationManager', ['getLastKnownLocation', 'requestLocationUpdates',
      'requestSingleUpdate']],
    ['location_read', 'android.location.LocationManager', ['getCurrentLocation'], { absent: since(30) }],
    ['location_read', 'android.location.Location', ['getLatitude', 'getLongitude']],
    ['location_read', 'android.telephony.TelephonyManager', ['getCellLocation', 'getAllCellInfo']],
    ['location_read', 'android.net.wifi.WifiManager', ['getScanResults']],
    ['contacts_read', 'android.content.ContentResolver', ['query'], contentUri],
    ['contacts_read', 'android.content.ContentProviderClient', ['query'], contentUri],
    ['device_id_read', 'android.telephony.TelephonyManager', ['getDeviceId', 'getImei', 'getMeid', 'getSubscriberId',
      'getSimSerialNumber']],
    ['device_id_read', 'android.os.Build', ['getSerial']],
    ['device_id_read', 'android.net.wifi.WifiInfo', ['getMacAddress']],
    ['device_id_read', 'java.net.NetworkInterface', ['getHardwareAddress']],
    ['device_id_read', 'android.provider.Settings$Secure', ['getString'], androidId],
    ['device_id_read', 'android.media.MediaDrm', ['getPropertyByteArray'], drmId],
    ['phone_number_read', 'android.telephony.TelephonyManager', ['getLine1Number']],
    ['phone_number_read', 'android.telephony.SubscriptionInfo', ['getNumber']],
    ['phone_number_read', 'android.telephony.SubscriptionManager', ['getPhoneNumber'], { absent: since(33) }],
    ['screen_capture', 'android.media.projection.MediaProjectionManager', ['getMediaProjection']],
    ['screen_capture', 'android.media.projection.MediaProjection', ['createVirtualDisplay']],
    ['screen_capture', 'android.accessibilityservice.AccessibilityService', ['takeScreenshot'], { absent: since(30) }],
    ['camera_open', 'android.hardware.Camera', ['open']],
    ['camera_open', 'android.hardware.camera2.CameraManager', ['openCamera']],
    ['microphone_record', 'android.media.AudioRecord', ['startRecording']],
    ['microphone_record', 'android.media.MediaRecorder', ['setAudioSource'], audioSource],
    ['microphone_record', 'android.media.MediaRecorder', ['start'], recorderStart],
    ['microphone_record', 'android.media.MediaRecorder', ['reset', 'release'], recorderReset],
    ['face_capture', 'android.media.FaceDetector', ['findFaces']],
  ]);
  var aaudioInput = {
    absent: since(26),
    filter: function (args) {
      var direction = new NativeFunction(Module.load('libaaudio.so').getExportByName('AAudioStream_getDirection'),
        'int', ['pointer']);
      return direction(args[0]) === 1 ? 'microphone_record' : null;    // AAUDIO_DIRECTION_INPUT
    },
  };
  hookTable(hookNative, [
    ['camera_open', 'libcamera2ndk.so', ['ACameraManager_openCamera'], { absent: since(24) }],
    ['microphone_record', 'libaaudio.so', ['AAudioStream_requestStart'], aaudioInput],
  ]);
  nativeExecHooks('libc.so', since(28));
}

// SDK classes live in the app's own class loader: hooked once the app is starting.
function androidAppHooks() {
  var sdk = { app: true };
  hookTable(hookJava, [
    ['device_id_read', 'com.google.android.gms.ads.identifier.AdvertisingIdClient', ['getAdvertisingIdInfo'], sdk],
    ['face_capture', 'com.google.mlkit.vision.face.internal.FaceDetectorImpl', ['process'], sdk],
    ['face_capture', 'com.google.android.gms.vision.face.FaceDetector', ['detect'], sdk],
  ]);
}

function android() {
  platform = 'android';
  appState = androidState;
  Java.perform(function () {
    androidPlatformHooks();
    try {
      var Application = Java.use('android.app.Application');
      var done = false;
      Application.onCreate.implementation = function () {
        if (!done) {
          done = true;
          try {
            Java.classFactory.loader = this.getClassLoader();
            ownPackage = String(this.getPackageName());
          } catch (e) { /* keep the default loader */ }
          androidAppHooks();
          reportHooks(ownPackage || null);
        }
        return this.onCreate();
      };
    } catch (e) {
      // Attached to a running app: its classes are loadable now.
      androidAppHooks();
      reportHooks(androidPackage() || null);
    }
  });
}

// ---- iOS --------------------------------------------------------------------------------------------

function iosState() {
  try {
    var state = ObjC.classes.UIApplication.sharedApplication().applicationState();
    return state === 2 ? 'background' : 'foreground';     // UIApplicationStateBackground = 2
  } catch (e) {
    return null;
  }
}

var FRAMEWORKS = '/System/Library/Frameworks/';

// Hooks `- selector` or `+ selector` of an Objective-C class. `framework`: the system framework that holds
// the class, loaded first (an app that has not linked it could load it later).
function hookObjC(behavior, className, selector, opts) {
  var api = className + '.' + selector.replace(/^[-+] /, '');
  var findClass = function () {
    if (opts.framework) Module.load(FRAMEWORKS + opts.framework + '.framework/' + opts.framework);
    var cls = ObjC.classes[className];
    if (!cls) throw new Error('class not found');
    return cls;
  };
  plannedHook(behavior, api, opts, findClass, function (cls) {
    var method = cls[selector];
    if (!method) throw new Error('method not found');
    interceptCalls(method.implementation, behavior, api, opts);
  });
}

function hasFaceRequest(requests) {
  var list = new ObjC.Object(requests);
  for (var i = 0; i < list.count(); i++) {
    var name = list.objectAtIndex_(i).$className;
    if (name.indexOf('VNDetectFace') === 0) return true;
  }
  return false;
}

function iosBundleId() {
  try { return String(ObjC.classes.NSBundle.mainBundle().bundleIdentifier()); } catch (e) { return null; }
}

function ios() {
  platform = 'ios';
  appState = iosState;
  var app = iosBundleId();
  var faceRequests = {
    framework: 'Vision',
    filter: function (args) { return hasFaceRequest(args[2]) ? 'face_capture' : null; },
  };
  var faceDetector = {
    framework: 'CoreImage',
    filter: function (args) { return String(new ObjC.Object(args[2])) === 'CIDetectorTypeFace' ? 'face_capture' : null; },
  };
  var captureDevice = {
    framework: 'AVFoundation',
    filter: function (args) {
      var device = new ObjC.Object(args[2]);
      if (device.hasMediaType_('vide')) return 'camera_open';
      if (device.hasMediaType_('soun')) return 'microphone_record';
      return null;
    },
  };
  var captureSession = {
    framework: 'AVFoundation',
    filter: function (args) {
      var inputs = new ObjC.Object(args[0]).inputs();
      for (var i = 0; i < inputs.count(); i++) {
        var input = inputs.objectAtIndex_(i);
        if (input.respondsToSelector_(ObjC.selector('device')) && input.device().hasMediaType_('vide')) return 'camera_open';
      }
      return null;
    },
  };
  var cameraPicker = {
    framework: 'UIKit',
    filter: function (args) { return args[2].toInt32() === 1 ? 'camera_open' : null; },   // SourceTypeCamera
  };
  var schemeProbe = {
    framework: 'UIKit',
    filter: function (args) {
      var scheme = String(new ObjC.Object(args[2]).scheme());
      return probe('scheme', scheme, null) ? 'app_list_read' : null;
    },
  };
  hookTable(hookObjC, [
    ['clipboard_read', 'UIPasteboard', ['- string', '- strings', '- items', '- URL', '- URLs', '- image', '- images',
      '- color', '- colors', '- itemProviders', '- dataForPasteboardType:', '- valueForPasteboardType:',
      '- dataForPasteboardType:inItemSet:', '- valuesForPasteboardType:inItemSet:'], { framework: 'UIKit' }],
    ['app_list_read', 'LSApplicationWorkspace', ['- allInstalledApplications', '- allApplications'],
      { framework: 'MobileCoreServices' }],
    ['app_list_read', 'UIApplication', ['- canOpenURL:'], schemeProbe],
    ['location_read', 'CLLocationManager', ['- startUpdatingLocation', '- requestLocation',
      '- startMonitoringSignificantLocationChanges', '- startMonitoringVisits', '- location'],
      { framework: 'CoreLocation' }],
    ['contacts_read', 'CNContactStore', ['- enumerateContactsWithFetchRequest:error:usingBlock:',
      '- unifiedContactsMatchingPredicate:keysToFetch:error:', '- unifiedMeContactWithKeysToFetch:error:',
      '- unifiedContactWithIdentifier:keysToFetch:error:'], { framework: 'Contacts' }],
    ['device_id_read', 'UIDevice', ['- identifierForVendor'], { framework: 'UIKit' }],
    ['device_id_read', 'ASIdentifierManager', ['- advertisingIdentifier'], { framework: 'AdSupport' }],
    ['device_id_read', 'DCDevice', ['- generateTokenWithCompletionHandler:'], { framework: 'DeviceCheck' }],
    ['screen_capture', 'RPScreenRecorder', ['- startCaptureWithHandler:completionHandler:',
      '- startRecordingWithHandler:'], { framework: 'ReplayKit' }],
    ['camera_open', 'AVCaptureDeviceInput', ['+ deviceInputWithDevice:error:', '- initWithDevice:error:'], captureDevice],
    ['camera_open', 'AVCaptureSession', ['- startRunning'], captureSession],
    ['camera_open', 'ARSession', ['- runWithConfiguration:', '- runWithConfiguration:options:'], { framework: 'ARKit' }],
    ['camera_open', 'UIImagePickerController', ['- setSourceType:'], cameraPicker],
    ['microphone_record', 'AVAudioRecorder', ['- record', '- recordAtTime:', '- recordForDuration:'],
      { framework: 'AVFoundation' }],
    ['microphone_record', 'AVAudioEngine', ['- inputNode'], { framework: 'AVFoundation' }],
    ['face_capture', 'VNImageRequestHandler', ['- performRequests:error:'], faceRequests],
    ['face_capture', 'VNSequenceRequestHandler', ['- performRequests:onCVPixelBuffer:error:'], faceRequests],
    ['face_capture', 'CIDetector', ['+ detectorOfType:context:options:'], faceDetector],
  ]);
  hookTable(hookNative, [
    ['contacts_read', FRAMEWORKS + 'AddressBook.framework/AddressBook', ['ABAddressBookCopyArrayOfAllPeople']],
    ['microphone_record', FRAMEWORKS + 'AudioToolbox.framework/AudioToolbox', ['AudioQueueNewInput']],
  ]);
  reportHooks(app);
}

if (typeof Java !== 'undefined' && Java.available) {
  android();
} else if (typeof ObjC !== 'undefined' && ObjC.available) {
  ios();
} else {
  emit({ type: 'hooks', platform: null, app: null, watched: [], seen_only: [], failed: [{ api: '*', error: 'neither Java nor ObjC is available' }] });
}
