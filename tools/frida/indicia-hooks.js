/*
 * indicia-hooks.js: hooks the platform APIs behind the built-in pack's behaviors and prints one JSON line
 * per call, for `indicia extract --frida-log LOG` (format: docs/extract.md, "Frida hooks").
 *
 *   frida -U -f com.example.app -l tools/frida/indicia-hooks.js -o hooks.jsonl      # Android or iOS
 *
 * Lines:
 *   {"indicia":1,"type":"hooks","platform":"android","app":"com.example.app","watched":[…],"failed":[…]}
 *   {"indicia":1,"type":"call","behavior":"clipboard_read","api":"android.content.ClipboardManager.getPrimaryClip",
 *    "state":"foreground","stack":["com.example.Foo.bar(Foo.java:12)",…],"time":"2026-12-05T21:14:05.101Z"}
 *
 * A behavior is listed in `watched` only when every hook for it was installed (a class that the app does
 * not contain counts as installed: the app cannot call it). The `hooks` line is printed once the app's
 * own classes can be loaded (Android: after Application.onCreate begins), and again if a later attempt
 * installs more.
 *
 * Licence: Apache-2.0 OR MIT, as the rest of indicia.
 */
'use strict';

var STACK_DEPTH = 24;

function emit(obj) {
  obj.indicia = 1;
  console.log(JSON.stringify(obj));
}

function now() {
  return new Date().toISOString();
}

// ---- bookkeeping: which behaviors had all their hooks installed ------------------------------------

var plan = {};     // behavior -> { total: n, ok: n }
var failed = [];   // [{api, error}]

function planned(behavior) {
  if (!plan[behavior]) plan[behavior] = { total: 0, ok: 0 };
  return plan[behavior];
}

function installed(behavior) {
  planned(behavior).ok += 1;
}

function watchedList() {
  return Object.keys(plan).filter(function (b) {
    return plan[b].total > 0 && plan[b].ok === plan[b].total;
  }).sort();
}

function reportHooks(platform, app) {
  emit({ type: 'hooks', platform: platform, app: app, watched: watchedList(), failed: failed });
}

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

// Counts one hook of `behavior` in the plan and installs it: `findClass()` returns the class or throws
// when the app lacks it (with `optional`, a missing class counts as installed: the app cannot call it);
// `attach(cls)` installs the hook or throws.
function plannedHook(behavior, api, opts, findClass, attach) {
  planned(behavior).total += 1;
  var cls;
  try {
    cls = findClass();
  } catch (e) {
    if (opts.optional) { installed(behavior); return; }
    failed.push({ api: api, error: String(e.message || e) });
    return;
  }
  try {
    attach(cls);
    installed(behavior);
  } catch (e) {
    failed.push({ api: api, error: String(e.message || e) });
  }
}

// Hooks every overload of CLASS.METHOD. `filter(args, self)` may return a behavior (or null to skip the
// call); without it every call is `behavior`. `optional`: a class missing from the app counts as installed.
function hookJava(behavior, className, method, opts) {
  opts = opts || {};
  var api = className + '.' + method;
  plannedHook(behavior, api, opts, function () { return Java.use(className); }, function (cls) {
    cls[method].overloads.forEach(function (ov) {
      ov.implementation = function () {
        var result = ov.apply(this, arguments);
        try {
          var b = opts.filter ? opts.filter(arguments, this, result) : behavior;
          if (b) androidCall(b, api);
        } catch (e) { /* never break the app */ }
        return result;
      };
    });
  });
}

// Installs a table of hooks: rows of [behavior, class, [methods…], opts?], through `hook`.
function hookTable(hook, rows) {
  rows.forEach(function (row) {
    row[2].forEach(function (method) { hook(row[0], row[1], method, row[3]); });
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

function androidPlatformHooks() {
  var contentUri = { filter: function (args) { return uriBehavior(args[0]); } };
  var androidId = { filter: function (args) { return String(args[1]) === 'android_id' ? 'device_id_read' : null; } };
  hookTable(hookJava, [
    ['clipboard_read', 'android.content.ClipboardManager', ['getPrimaryClip', 'getText']],
    ['app_list_read', 'android.app.ApplicationPackageManager', ['getInstalledPackages', 'getInstalledApplications']],
    ['location_read', 'android.location.LocationManager', ['getLastKnownLocation', 'requestLocationUpdates', 'requestSingleUpdate']],
    ['location_read', 'android.location.Location', ['getLatitude']],
    ['contacts_read', 'android.content.ContentResolver', ['query'], contentUri],
    ['device_id_read', 'android.telephony.TelephonyManager', ['getDeviceId', 'getImei', 'getMeid', 'getSubscriberId', 'getSimSerialNumber']],
    ['device_id_read', 'android.os.Build', ['getSerial']],
    ['device_id_read', 'android.net.wifi.WifiInfo', ['getMacAddress']],
    ['device_id_read', 'java.net.NetworkInterface', ['getHardwareAddress']],
    ['device_id_read', 'android.provider.Settings$Secure', ['getString'], androidId],
    ['phone_number_read', 'android.telephony.TelephonyManager', ['getLine1Number']],
    ['screen_capture', 'android.media.projection.MediaProjectionManager', ['getMediaProjection']],
    ['screen_capture', 'android.media.projection.MediaProjection', ['createVirtualDisplay']],
    ['camera_open', 'android.hardware.Camera', ['open']],
    ['camera_open', 'android.hardware.camera2.CameraManager', ['openCamera']],
    ['microphone_record', 'android.media.AudioRecord', ['startRecording']],
    ['face_capture', 'android.media.FaceDetector', ['findFaces']],
  ]);
}

// SDK classes live in the app's own class loader: hooked once the app is starting.
function androidAppHooks() {
  var optional = { optional: true };
  hookTable(hookJava, [
    ['device_id_read', 'com.google.android.gms.ads.identifier.AdvertisingIdClient', ['getAdvertisingIdInfo'], optional],
    ['face_capture', 'com.google.mlkit.vision.face.internal.FaceDetectorImpl', ['process'], optional],
    ['face_capture', 'com.google.android.gms.vision.face.FaceDetector', ['detect'], optional],
  ]);
}

function android() {
  Java.perform(function () {
    androidPlatformHooks();
    var app = null;
    try {
      var Application = Java.use('android.app.Application');
      var done = false;
      Application.onCreate.implementation = function () {
        if (!done) {
          done = true;
          try {
            Java.classFactory.loader = this.getClassLoader();
            app = String(this.getPackageName());
          } catch (e) { /* keep the default loader */ }
          androidAppHooks();
          reportHooks('android', app);
        }
        return this.onCreate();
      };
    } catch (e) {
      // Attached to a running app: its classes are loadable now.
      androidAppHooks();
      reportHooks('android', app);
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

function iosStack(context) {
  try {
    return Thread.backtrace(context, Backtracer.ACCURATE).slice(0, STACK_DEPTH).map(function (addr) {
      return DebugSymbol.fromAddress(addr).toString();
    });
  } catch (e) {
    return [];
  }
}

function hookObjC(behavior, className, selector, opts) {
  opts = opts || {};
  var api = className + '.' + selector.replace(/^[-+] /, '');
  var findClass = function () {
    var cls = ObjC.classes[className];
    if (!cls) throw new Error('class not found');
    return cls;
  };
  plannedHook(behavior, api, opts, findClass, function (cls) {
    var method = cls[selector];
    if (!method) throw new Error('method not found');
    Interceptor.attach(method.implementation, {
      onEnter: function (args) {
        try {
          var b = opts.filter ? opts.filter(args) : behavior;
          if (b) emit({ type: 'call', behavior: b, api: api, state: iosState(), stack: iosStack(this.context), time: now() });
        } catch (e) { /* never break the app */ }
      },
    });
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

function ios() {
  var optional = { optional: true };
  var faceRequests = {
    optional: true,
    filter: function (args) { return hasFaceRequest(args[2]) ? 'face_capture' : null; },
  };
  var captureDevice = {
    filter: function (args) {
      var device = new ObjC.Object(args[2]);
      if (device.hasMediaType_('vide')) return 'camera_open';
      if (device.hasMediaType_('soun')) return 'microphone_record';
      return null;
    },
  };
  hookTable(hookObjC, [
    ['clipboard_read', 'UIPasteboard', ['- string', '- strings', '- items', '- URL', '- image',
      '- dataForPasteboardType:', '- valueForPasteboardType:']],
    ['location_read', 'CLLocationManager', ['- startUpdatingLocation', '- requestLocation',
      '- startMonitoringSignificantLocationChanges', '- location']],
    ['contacts_read', 'CNContactStore', ['- enumerateContactsWithFetchRequest:error:usingBlock:',
      '- unifiedContactsMatchingPredicate:keysToFetch:error:', '- unifiedMeContactWithKeysToFetch:error:'], optional],
    ['device_id_read', 'UIDevice', ['- identifierForVendor']],
    ['device_id_read', 'ASIdentifierManager', ['- advertisingIdentifier'], optional],
    ['screen_capture', 'RPScreenRecorder', ['- startCaptureWithHandler:completionHandler:',
      '- startRecordingWithHandler:'], optional],
    ['camera_open', 'AVCaptureDeviceInput', ['+ deviceInputWithDevice:error:'], captureDevice],
    ['microphone_record', 'AVAudioRecorder', ['- record'], optional],
    ['face_capture', 'VNImageRequestHandler', ['- performRequests:error:'], faceRequests],
    ['face_capture', 'VNSequenceRequestHandler', ['- performRequests:onCVPixelBuffer:error:'], faceRequests],
    ['app_list_read', 'LSApplicationWorkspace', ['- allInstalledApplications', '- allApplications'], optional],
  ]);

  var app = null;
  try { app = String(ObjC.classes.NSBundle.mainBundle().bundleIdentifier()); } catch (e) { /* unknown */ }
  reportHooks('ios', app);
}

if (typeof Java !== 'undefined' && Java.available) {
  android();
} else if (typeof ObjC !== 'undefined' && ObjC.available) {
  ios();
} else {
  emit({ type: 'hooks', platform: null, app: null, watched: [], failed: [{ api: '*', error: 'neither Java nor ObjC is available' }] });
}
