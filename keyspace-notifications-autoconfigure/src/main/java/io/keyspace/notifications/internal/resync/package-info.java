/**
 * Resync passes: after a gap (and when a handler subscribes) the keys a handler's channels
 * cover are scanned on the node that owns them ({@link io.keyspace.notifications.internal.resync.KeyScanner})
 * and handed to the handler as {@code resync} notifications through the same per-key lanes as
 * live ones ({@link io.keyspace.notifications.internal.resync.Resyncer}). A live notification the
 * handler got after the pass began is newer than the scan, so the key's resync notification is
 * skipped ({@link io.keyspace.notifications.internal.resync.ResyncedHandler}).
 */
package io.keyspace.notifications.internal.resync;
