// Package cron validates the five-field cron expressions that backup
// schedules use (Velero's Schedule and Backup for GKE's backup plans): minute,
// hour, day of month, month and day of week, in UTC, with "*", lists, ranges
// and steps.
//
// It accepts the subset both schedulers read the same way and rejects the
// rest with a message that says how to write it: descriptors such as
// "@daily" (the message gives the five-field equivalent), names such as
// "MON", "?", time-zone prefixes, a sixth field, and days that never occur
// ("0 0 31 2 *").
package cron
