package io.keyspace.sample.feed;

import java.time.Instant;

import io.keyspace.notifications.KeyNotification;

/**
 * One keyspace notification as shown on the page.
 *
 * @param seq increasing number within this process; the SSE event id is {@code <process epoch>-<seq>}
 * @param at when this application received it
 * @param event the Redis event, e.g. {@code set}, {@code del}, {@code expired}
 * @param key the key
 * @param database the database number
 * @param channel the channel it arrived on
 * @param node the Redis node ({@code host:port}) it came from
 */
public record FeedEntry(long seq, Instant at, String event, String key, int database, String channel, String node) {

	static FeedEntry of(long seq, KeyNotification notification) {
		return new FeedEntry(seq, Instant.now(), notification.event(), notification.key(), notification.database(),
				notification.channel(), notification.node());
	}

}
