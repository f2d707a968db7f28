// A large synthetic ruleset for the formatter benchmark: a fleet of sensors, each rule a
// variation on recording, summarising and forwarding readings.
ruleset org.example.fleet {
  meta {
    name "fleet"
    description <<
      Tracks many sensors; generated for benchmarks, not for deployment.
    >>
    use module org.example.units alias units with scale = "C" and precision = 2
    configure using limit = 30 window = 10
    shares report_0, report_1, report_2, report_3, report_4, report_5, report_6, report_7, report_8, report_9, report_10, report_11
    provides summary_0, summary_1, summary_2, summary_3, summary_4, summary_5, summary_6, summary_7, summary_8, summary_9, summary_10, summary_11
  }
  global {
    // Summary number 0: averages the last readings of one zone.
    summary_0 = function(zone, n = 1) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 0}
    }
    report_0 = function() { ent:reports{"r0"}.defaultsTo({}).klog("report 0") }
    limit_0 = limit + 0 * 0.5 - (window / 2) % 3
    // Summary number 1: averages the last readings of one zone.
    summary_1 = function(zone, n = 2) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 1}
    }
    report_1 = function() { ent:reports{"r1"}.defaultsTo({}).klog("report 1") }
    limit_1 = limit + 1 * 0.5 - (window / 2) % 3
    // Summary number 2: averages the last readings of one zone.
    summary_2 = function(zone, n = 3) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 2}
    }
    report_2 = function() { ent:reports{"r2"}.defaultsTo({}).klog("report 2") }
    limit_2 = limit + 2 * 0.5 - (window / 2) % 3
    // Summary number 3: averages the last readings of one zone.
    summary_3 = function(zone, n = 4) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 3}
    }
    report_3 = function() { ent:reports{"r3"}.defaultsTo({}).klog("report 3") }
    limit_3 = limit + 3 * 0.5 - (window / 2) % 3
    // Summary number 4: averages the last readings of one zone.
    summary_4 = function(zone, n = 5) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 4}
    }
    report_4 = function() { ent:reports{"r4"}.defaultsTo({}).klog("report 4") }
    limit_4 = limit + 4 * 0.5 - (window / 2) % 3
    // Summary number 5: averages the last readings of one zone.
    summary_5 = function(zone, n = 6) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 5}
    }
    report_5 = function() { ent:reports{"r5"}.defaultsTo({}).klog("report 5") }
    limit_5 = limit + 5 * 0.5 - (window / 2) % 3
    // Summary number 6: averages the last readings of one zone.
    summary_6 = function(zone, n = 7) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 6}
    }
    report_6 = function() { ent:reports{"r6"}.defaultsTo({}).klog("report 6") }
    limit_6 = limit + 6 * 0.5 - (window / 2) % 3
    // Summary number 7: averages the last readings of one zone.
    summary_7 = function(zone, n = 1) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 7}
    }
    report_7 = function() { ent:reports{"r7"}.defaultsTo({}).klog("report 7") }
    limit_7 = limit + 7 * 0.5 - (window / 2) % 3
    // Summary number 8: averages the last readings of one zone.
    summary_8 = function(zone, n = 2) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 8}
    }
    report_8 = function() { ent:reports{"r8"}.defaultsTo({}).klog("report 8") }
    limit_8 = limit + 8 * 0.5 - (window / 2) % 3
    // Summary number 9: averages the last readings of one zone.
    summary_9 = function(zone, n = 3) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 9}
    }
    report_9 = function() { ent:reports{"r9"}.defaultsTo({}).klog("report 9") }
    limit_9 = limit + 9 * 0.5 - (window / 2) % 3
    // Summary number 10: averages the last readings of one zone.
    summary_10 = function(zone, n = 4) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 10}
    }
    report_10 = function() { ent:reports{"r10"}.defaultsTo({}).klog("report 10") }
    limit_10 = limit + 10 * 0.5 - (window / 2) % 3
    // Summary number 11: averages the last readings of one zone.
    summary_11 = function(zone, n = 5) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 11}
    }
    report_11 = function() { ent:reports{"r11"}.defaultsTo({}).klog("report 11") }
    limit_11 = limit + 11 * 0.5 - (window / 2) % 3
    // Summary number 12: averages the last readings of one zone.
    summary_12 = function(zone, n = 6) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 12}
    }
    report_12 = function() { ent:reports{"r12"}.defaultsTo({}).klog("report 12") }
    limit_12 = limit + 12 * 0.5 - (window / 2) % 3
    // Summary number 13: averages the last readings of one zone.
    summary_13 = function(zone, n = 7) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 13}
    }
    report_13 = function() { ent:reports{"r13"}.defaultsTo({}).klog("report 13") }
    limit_13 = limit + 13 * 0.5 - (window / 2) % 3
    // Summary number 14: averages the last readings of one zone.
    summary_14 = function(zone, n = 1) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 14}
    }
    report_14 = function() { ent:reports{"r14"}.defaultsTo({}).klog("report 14") }
    limit_14 = limit + 14 * 0.5 - (window / 2) % 3
    // Summary number 15: averages the last readings of one zone.
    summary_15 = function(zone, n = 2) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 15}
    }
    report_15 = function() { ent:reports{"r15"}.defaultsTo({}).klog("report 15") }
    limit_15 = limit + 15 * 0.5 - (window / 2) % 3
    // Summary number 16: averages the last readings of one zone.
    summary_16 = function(zone, n = 3) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 16}
    }
    report_16 = function() { ent:reports{"r16"}.defaultsTo({}).klog("report 16") }
    limit_16 = limit + 16 * 0.5 - (window / 2) % 3
    // Summary number 17: averages the last readings of one zone.
    summary_17 = function(zone, n = 4) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 17}
    }
    report_17 = function() { ent:reports{"r17"}.defaultsTo({}).klog("report 17") }
    limit_17 = limit + 17 * 0.5 - (window / 2) % 3
    // Summary number 18: averages the last readings of one zone.
    summary_18 = function(zone, n = 5) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 18}
    }
    report_18 = function() { ent:reports{"r18"}.defaultsTo({}).klog("report 18") }
    limit_18 = limit + 18 * 0.5 - (window / 2) % 3
    // Summary number 19: averages the last readings of one zone.
    summary_19 = function(zone, n = 6) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 19}
    }
    report_19 = function() { ent:reports{"r19"}.defaultsTo({}).klog("report 19") }
    limit_19 = limit + 19 * 0.5 - (window / 2) % 3
    // Summary number 20: averages the last readings of one zone.
    summary_20 = function(zone, n = 7) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 20}
    }
    report_20 = function() { ent:reports{"r20"}.defaultsTo({}).klog("report 20") }
    limit_20 = limit + 20 * 0.5 - (window / 2) % 3
    // Summary number 21: averages the last readings of one zone.
    summary_21 = function(zone, n = 1) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 21}
    }
    report_21 = function() { ent:reports{"r21"}.defaultsTo({}).klog("report 21") }
    limit_21 = limit + 21 * 0.5 - (window / 2) % 3
    // Summary number 22: averages the last readings of one zone.
    summary_22 = function(zone, n = 2) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 22}
    }
    report_22 = function() { ent:reports{"r22"}.defaultsTo({}).klog("report 22") }
    limit_22 = limit + 22 * 0.5 - (window / 2) % 3
    // Summary number 23: averages the last readings of one zone.
    summary_23 = function(zone, n = 3) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 23}
    }
    report_23 = function() { ent:reports{"r23"}.defaultsTo({}).klog("report 23") }
    limit_23 = limit + 23 * 0.5 - (window / 2) % 3
    // Summary number 24: averages the last readings of one zone.
    summary_24 = function(zone, n = 4) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 24}
    }
    report_24 = function() { ent:reports{"r24"}.defaultsTo({}).klog("report 24") }
    limit_24 = limit + 24 * 0.5 - (window / 2) % 3
    // Summary number 25: averages the last readings of one zone.
    summary_25 = function(zone, n = 5) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 25}
    }
    report_25 = function() { ent:reports{"r25"}.defaultsTo({}).klog("report 25") }
    limit_25 = limit + 25 * 0.5 - (window / 2) % 3
    // Summary number 26: averages the last readings of one zone.
    summary_26 = function(zone, n = 6) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 26}
    }
    report_26 = function() { ent:reports{"r26"}.defaultsTo({}).klog("report 26") }
    limit_26 = limit + 26 * 0.5 - (window / 2) % 3
    // Summary number 27: averages the last readings of one zone.
    summary_27 = function(zone, n = 7) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 27}
    }
    report_27 = function() { ent:reports{"r27"}.defaultsTo({}).klog("report 27") }
    limit_27 = limit + 27 * 0.5 - (window / 2) % 3
    // Summary number 28: averages the last readings of one zone.
    summary_28 = function(zone, n = 1) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 28}
    }
    report_28 = function() { ent:reports{"r28"}.defaultsTo({}).klog("report 28") }
    limit_28 = limit + 28 * 0.5 - (window / 2) % 3
    // Summary number 29: averages the last readings of one zone.
    summary_29 = function(zone, n = 2) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 29}
    }
    report_29 = function() { ent:reports{"r29"}.defaultsTo({}).klog("report 29") }
    limit_29 = limit + 29 * 0.5 - (window / 2) % 3
    // Summary number 30: averages the last readings of one zone.
    summary_30 = function(zone, n = 3) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 30}
    }
    report_30 = function() { ent:reports{"r30"}.defaultsTo({}).klog("report 30") }
    limit_30 = limit + 30 * 0.5 - (window / 2) % 3
    // Summary number 31: averages the last readings of one zone.
    summary_31 = function(zone, n = 4) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 31}
    }
    report_31 = function() { ent:reports{"r31"}.defaultsTo({}).klog("report 31") }
    limit_31 = limit + 31 * 0.5 - (window / 2) % 3
    // Summary number 32: averages the last readings of one zone.
    summary_32 = function(zone, n = 5) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 32}
    }
    report_32 = function() { ent:reports{"r32"}.defaultsTo({}).klog("report 32") }
    limit_32 = limit + 32 * 0.5 - (window / 2) % 3
    // Summary number 33: averages the last readings of one zone.
    summary_33 = function(zone, n = 6) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 33}
    }
    report_33 = function() { ent:reports{"r33"}.defaultsTo({}).klog("report 33") }
    limit_33 = limit + 33 * 0.5 - (window / 2) % 3
    // Summary number 34: averages the last readings of one zone.
    summary_34 = function(zone, n = 7) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 34}
    }
    report_34 = function() { ent:reports{"r34"}.defaultsTo({}).klog("report 34") }
    limit_34 = limit + 34 * 0.5 - (window / 2) % 3
    // Summary number 35: averages the last readings of one zone.
    summary_35 = function(zone, n = 1) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 35}
    }
    report_35 = function() { ent:reports{"r35"}.defaultsTo({}).klog("report 35") }
    limit_35 = limit + 35 * 0.5 - (window / 2) % 3
    // Summary number 36: averages the last readings of one zone.
    summary_36 = function(zone, n = 2) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 36}
    }
    report_36 = function() { ent:reports{"r36"}.defaultsTo({}).klog("report 36") }
    limit_36 = limit + 36 * 0.5 - (window / 2) % 3
    // Summary number 37: averages the last readings of one zone.
    summary_37 = function(zone, n = 3) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 37}
    }
    report_37 = function() { ent:reports{"r37"}.defaultsTo({}).klog("report 37") }
    limit_37 = limit + 37 * 0.5 - (window / 2) % 3
    // Summary number 38: averages the last readings of one zone.
    summary_38 = function(zone, n = 4) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 38}
    }
    report_38 = function() { ent:reports{"r38"}.defaultsTo({}).klog("report 38") }
    limit_38 = limit + 38 * 0.5 - (window / 2) % 3
    // Summary number 39: averages the last readings of one zone.
    summary_39 = function(zone, n = 5) {
      readings = ent:zones{[zone, "readings"]}.defaultsTo([]).slice(n - 1);
      total = readings.reduce(function(a, b) { a + b }, 0)
      n_readings = readings.length();
      {"zone": zone, "mean": n_readings > 0 => total / n_readings | null, "n": n_readings, "id": 39}
    }
    report_39 = function() { ent:reports{"r39"}.defaultsTo({}).klog("report 39") }
    limit_39 = limit + 39 * 0.5 - (window / 2) % 3
  }

  rule record_0 {
    select when sensor reading zone re#^zone-0$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_0 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_0 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_0"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_0"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_0 := ent:count_0.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 1}) attributes {"zone": zone}
    }
  }

  rule record_1 {
    select when sensor reading zone re#^zone-1$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_1 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_1 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_1"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_1"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_1 := ent:count_1.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 2}) attributes {"zone": zone}
    }
  }

  rule record_2 {
    select when sensor reading zone re#^zone-2$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_2 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_2 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_2"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_2"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_2 := ent:count_2.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 3}) attributes {"zone": zone}
    }
  }

  rule record_3 {
    select when sensor reading zone re#^zone-3$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_3 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_3 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_3"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_3"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_3 := ent:count_3.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 4}) attributes {"zone": zone}
    }
  }

  rule record_4 {
    select when sensor reading zone re#^zone-4$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_4 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_4 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_4"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_4"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_4 := ent:count_4.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 5}) attributes {"zone": zone}
    }
  }

  rule record_5 {
    select when sensor reading zone re#^zone-5$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_5 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_5 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_5"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_5"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_5 := ent:count_5.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 1}) attributes {"zone": zone}
    }
  }

  rule record_6 {
    select when sensor reading zone re#^zone-6$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_6 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_6 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_6"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_6"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_6 := ent:count_6.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 2}) attributes {"zone": zone}
    }
  }

  rule record_7 {
    select when sensor reading zone re#^zone-7$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_7 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_7 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_7"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_7"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_7 := ent:count_7.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 3}) attributes {"zone": zone}
    }
  }

  rule record_8 {
    select when sensor reading zone re#^zone-8$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_8 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_8 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_8"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_8"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_8 := ent:count_8.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 4}) attributes {"zone": zone}
    }
  }

  rule record_9 {
    select when sensor reading zone re#^zone-9$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_9 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_9 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_9"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_9"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_9 := ent:count_9.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 5}) attributes {"zone": zone}
    }
  }

  rule record_10 {
    select when sensor reading zone re#^zone-10$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_10 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_10 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_10"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_10"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_10 := ent:count_10.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 1}) attributes {"zone": zone}
    }
  }

  rule record_11 {
    select when sensor reading zone re#^zone-11$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_11 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_11 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_11"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_11"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_11 := ent:count_11.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 2}) attributes {"zone": zone}
    }
  }

  rule record_12 {
    select when sensor reading zone re#^zone-12$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_12 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_12 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_12"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_12"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_12 := ent:count_12.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 3}) attributes {"zone": zone}
    }
  }

  rule record_13 {
    select when sensor reading zone re#^zone-13$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_13 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_13 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_13"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_13"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_13 := ent:count_13.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 4}) attributes {"zone": zone}
    }
  }

  rule record_14 {
    select when sensor reading zone re#^zone-14$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_14 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_14 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_14"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_14"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_14 := ent:count_14.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 5}) attributes {"zone": zone}
    }
  }

  rule record_15 {
    select when sensor reading zone re#^zone-15$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_15 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_15 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_15"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_15"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_15 := ent:count_15.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 1}) attributes {"zone": zone}
    }
  }

  rule record_16 {
    select when sensor reading zone re#^zone-16$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_16 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_16 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_16"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_16"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_16 := ent:count_16.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 2}) attributes {"zone": zone}
    }
  }

  rule record_17 {
    select when sensor reading zone re#^zone-17$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_17 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_17 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_17"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_17"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_17 := ent:count_17.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 3}) attributes {"zone": zone}
    }
  }

  rule record_18 {
    select when sensor reading zone re#^zone-18$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_18 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_18 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_18"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_18"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_18 := ent:count_18.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 4}) attributes {"zone": zone}
    }
  }

  rule record_19 {
    select when sensor reading zone re#^zone-19$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_19 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_19 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_19"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_19"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_19 := ent:count_19.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 5}) attributes {"zone": zone}
    }
  }

  rule record_20 {
    select when sensor reading zone re#^zone-20$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_20 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_20 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_20"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_20"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_20 := ent:count_20.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 1}) attributes {"zone": zone}
    }
  }

  rule record_21 {
    select when sensor reading zone re#^zone-21$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_21 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_21 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_21"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_21"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_21 := ent:count_21.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 2}) attributes {"zone": zone}
    }
  }

  rule record_22 {
    select when sensor reading zone re#^zone-22$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_22 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_22 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_22"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_22"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_22 := ent:count_22.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 3}) attributes {"zone": zone}
    }
  }

  rule record_23 {
    select when sensor reading zone re#^zone-23$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_23 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_23 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_23"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_23"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_23 := ent:count_23.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 4}) attributes {"zone": zone}
    }
  }

  rule record_24 {
    select when sensor reading zone re#^zone-24$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_24 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_24 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_24"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_24"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_24 := ent:count_24.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 5}) attributes {"zone": zone}
    }
  }

  rule record_25 {
    select when sensor reading zone re#^zone-25$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_25 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_25 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_25"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_25"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_25 := ent:count_25.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 1}) attributes {"zone": zone}
    }
  }

  rule record_26 {
    select when sensor reading zone re#^zone-26$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_26 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_26 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_26"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_26"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_26 := ent:count_26.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 2}) attributes {"zone": zone}
    }
  }

  rule record_27 {
    select when sensor reading zone re#^zone-27$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_27 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_27 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_27"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_27"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_27 := ent:count_27.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 3}) attributes {"zone": zone}
    }
  }

  rule record_28 {
    select when sensor reading zone re#^zone-28$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_28 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_28 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_28"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_28"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_28 := ent:count_28.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 4}) attributes {"zone": zone}
    }
  }

  rule record_29 {
    select when sensor reading zone re#^zone-29$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_29 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_29 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_29"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_29"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_29 := ent:count_29.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 5}) attributes {"zone": zone}
    }
  }

  rule record_30 {
    select when sensor reading zone re#^zone-30$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_30 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_30 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_30"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_30"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_30 := ent:count_30.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 1}) attributes {"zone": zone}
    }
  }

  rule record_31 {
    select when sensor reading zone re#^zone-31$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_31 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_31 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_31"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_31"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_31 := ent:count_31.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 2}) attributes {"zone": zone}
    }
  }

  rule record_32 {
    select when sensor reading zone re#^zone-32$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_32 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_32 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_32"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_32"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_32 := ent:count_32.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 3}) attributes {"zone": zone}
    }
  }

  rule record_33 {
    select when sensor reading zone re#^zone-33$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_33 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_33 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_33"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_33"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_33 := ent:count_33.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 4}) attributes {"zone": zone}
    }
  }

  rule record_34 {
    select when sensor reading zone re#^zone-34$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_34 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_34 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_34"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_34"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_34 := ent:count_34.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 5}) attributes {"zone": zone}
    }
  }

  rule record_35 {
    select when sensor reading zone re#^zone-35$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_35 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_35 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_35"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_35"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_35 := ent:count_35.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 1}) attributes {"zone": zone}
    }
  }

  rule record_36 {
    select when sensor reading zone re#^zone-36$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_36 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_36 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_36"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_36"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_36 := ent:count_36.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 2}) attributes {"zone": zone}
    }
  }

  rule record_37 {
    select when sensor reading zone re#^zone-37$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_37 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_37 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_37"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_37"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_37 := ent:count_37.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 3}) attributes {"zone": zone}
    }
  }

  rule record_38 {
    select when sensor reading zone re#^zone-38$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_38 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_38 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_38"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_38"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_38 := ent:count_38.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 4}) attributes {"zone": zone}
    }
  }

  rule record_39 {
    select when sensor reading zone re#^zone-39$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_39 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_39 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_39"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_39"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_39 := ent:count_39.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 5}) attributes {"zone": zone}
    }
  }

  rule record_40 {
    select when sensor reading zone re#^zone-40$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_40 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_0 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_40"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_40"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_40 := ent:count_40.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 1}) attributes {"zone": zone}
    }
  }

  rule record_41 {
    select when sensor reading zone re#^zone-41$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_41 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_1 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_41"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_41"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_41 := ent:count_41.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 2}) attributes {"zone": zone}
    }
  }

  rule record_42 {
    select when sensor reading zone re#^zone-42$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_42 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_2 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_42"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_42"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_42 := ent:count_42.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 3}) attributes {"zone": zone}
    }
  }

  rule record_43 {
    select when sensor reading zone re#^zone-43$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_43 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_3 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_43"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_43"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_43 := ent:count_43.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 4}) attributes {"zone": zone}
    }
  }

  rule record_44 {
    select when sensor reading zone re#^zone-44$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_44 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_4 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_44"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_44"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_44 := ent:count_44.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 5}) attributes {"zone": zone}
    }
  }

  rule record_45 {
    select when sensor reading zone re#^zone-45$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_45 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_5 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_45"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_45"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_45 := ent:count_45.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 1}) attributes {"zone": zone}
    }
  }

  rule record_46 {
    select when sensor reading zone re#^zone-46$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_46 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_6 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_46"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_46"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_46 := ent:count_46.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 2}) attributes {"zone": zone}
    }
  }

  rule record_47 {
    select when sensor reading zone re#^zone-47$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_47 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_7 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_47"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_47"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_47 := ent:count_47.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 3}) attributes {"zone": zone}
    }
  }

  rule record_48 {
    select when sensor reading zone re#^zone-48$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_48 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_8 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_48"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_48"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_48 := ent:count_48.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 4}) attributes {"zone": zone}
    }
  }

  rule record_49 {
    select when sensor reading zone re#^zone-49$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_49 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_9 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_49"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_49"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_49 := ent:count_49.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 5}) attributes {"zone": zone}
    }
  }

  rule record_50 {
    select when sensor reading zone re#^zone-50$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_50 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_10 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_50"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_50"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_50 := ent:count_50.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 1}) attributes {"zone": zone}
    }
  }

  rule record_51 {
    select when sensor reading zone re#^zone-51$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_51 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_11 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_51"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_51"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_51 := ent:count_51.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 2}) attributes {"zone": zone}
    }
  }

  rule record_52 {
    select when sensor reading zone re#^zone-52$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_52 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_12 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_52"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_52"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_52 := ent:count_52.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 3}) attributes {"zone": zone}
    }
  }

  rule record_53 {
    select when sensor reading zone re#^zone-53$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_53 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_13 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_53"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_53"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_53 := ent:count_53.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 4}) attributes {"zone": zone}
    }
  }

  rule record_54 {
    select when sensor reading zone re#^zone-54$# temp re#^(-?\d+(\.\d+)?)$# setting(zone, t) or sensor manual_54 where event:attrs{"force"}
    pre {
      value = t.as("Number") // the reading
      hot = value > limit_14 && not ent:muted{zone}
      entry = {"zone": zone, "value": value, "time": time:now(), "hot": hot, "rule": "record_54"}
    }
    if hot then every {
      send_directive("alert", {"zone": zone, "value": value})
      event:send({"eci": ent:collector, "domain": "fleet", "type": "hot", "attrs": entry}) setting(sent)
    }
    fired {
      ent:zones{[zone, "readings"]} := [value].append(ent:zones{[zone, "readings"]}.defaultsTo([])).slice(9);
      raise fleet event "hot_reading" attributes entry.put({"source": "record_54"}) if value > limit + 10;
      log info <<zone #{zone} is hot: #{value}>>
    } else {
      ent:count_54 := ent:count_54.defaultsTo(0) + 1
    } finally {
      schedule fleet event "check" at time:add(time:now(), {"minutes": 5}) attributes {"zone": zone}
    }
  }
}
