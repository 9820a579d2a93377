package io.keyspace.notifications;

/**
 * What the groups of one {@link NotificationGroups} did since it started, in this instance.
 *
 * @param forwarded notifications this instance copied into a group stream (as the forwarder
 * of their node)
 * @param handled notifications whose handler returned (their entry is acknowledged once all of
 * its notifications were)
 * @param failed handler calls that threw (the notification's entry stays pending and is retried
 * after the claim timeout)
 * @param reclaimed notifications in entries taken over from a consumer that held them longer
 * than the claim timeout
 * @param deadLettered notifications moved to the dead-letter stream after too many deliveries
 * of their entry
 * @param notForwarded notifications read while another instance forwarded their node (or
 * before this one took over): not copied by this instance, kept briefly for a takeover; and
 * those it dropped because its lease was gone when it wrote them (the holder replays them)
 */
public record GroupMetrics(long forwarded, long handled, long failed, long reclaimed, long deadLettered,
		long notForwarded) {
}
