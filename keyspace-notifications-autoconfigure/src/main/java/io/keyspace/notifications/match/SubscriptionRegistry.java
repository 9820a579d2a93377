package io.keyspace.notifications.match;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.channel.NotificationChannel;

/**
 * The wanted channels and who wants them: the single source of truth from which every node
 * connection is (re)subscribed.
 * <p>
 * Redis tells us which subscription a message matched (the channel of a {@code message},
 * the pattern of a {@code pmessage}), so matching is one hash lookup on those bytes. Writes
 * are rare and synchronized; reads happen per message on reader threads and take no lock.
 */
public final class SubscriptionRegistry {

	private final Map<String, Subscription> byWireName = new ConcurrentHashMap<>();

	/**
	 * Adds a handler ({@code null} for pull mode) to a channel.
	 * @return {@code true} if the channel is new and must be subscribed on the server
	 */
	public synchronized boolean add(NotificationChannel channel, KeyNotificationHandler handler) {
		String key = key(channel.toBytes());
		Subscription existing = this.byWireName.get(key);
		if (existing == null) {
			this.byWireName.put(key, Subscription.of(channel, handler));
			return true;
		}
		this.byWireName.put(key, existing.with(handler));
		return false;
	}

	/**
	 * Removes a channel and all its handlers.
	 * @return {@code true} if it was subscribed
	 */
	public synchronized boolean remove(NotificationChannel channel) {
		return this.byWireName.remove(key(channel.toBytes())) != null;
	}

	/** The subscription a message belongs to, by its pattern (pmessage) or channel (message); {@code null} if none. */
	public Subscription match(byte[] patternOrChannel) {
		return this.byWireName.get(key(patternOrChannel));
	}

	public List<NotificationChannel> channels() {
		List<NotificationChannel> channels = new ArrayList<>();
		this.byWireName.values().forEach((subscription) -> channels.add(subscription.channel()));
		return channels;
	}

	public boolean isEmpty() {
		return this.byWireName.isEmpty();
	}

	public synchronized void clear() {
		this.byWireName.clear();
	}

	// ISO-8859-1 maps each byte to one char: a lossless, cheap hash key for binary names.
	private static String key(byte[] bytes) {
		return new String(bytes, StandardCharsets.ISO_8859_1);
	}

	/**
	 * One channel with its handlers.
	 *
	 * @param channel the channel
	 * @param handlers the handlers to call, in registration order
	 * @param pull whether notifications also go to the pull queue
	 */
	public record Subscription(NotificationChannel channel, KeyNotificationHandler[] handlers, boolean pull) {

		static Subscription of(NotificationChannel channel, KeyNotificationHandler handler) {
			return (handler == null) ? new Subscription(channel, new KeyNotificationHandler[0], true)
					: new Subscription(channel, new KeyNotificationHandler[] { handler }, false);
		}

		Subscription with(KeyNotificationHandler handler) {
			if (handler == null) {
				return new Subscription(this.channel, this.handlers, true);
			}
			if (Arrays.asList(this.handlers).contains(handler)) {
				return this;
			}
			KeyNotificationHandler[] more = Arrays.copyOf(this.handlers, this.handlers.length + 1);
			more[this.handlers.length] = handler;
			return new Subscription(this.channel, more, this.pull);
		}

	}

}
