package io.keyspace.notifications.internal.match;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import io.keyspace.notifications.FilteredHandler;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.NotificationSink;
import io.keyspace.notifications.channel.NotificationChannel;

/**
 * The wanted channels and who wants them: the single source of truth from which every node
 * connection is (re)subscribed.
 * <p>
 * Redis tells us which subscription a message matched (the channel of a {@code message},
 * the pattern of a {@code pmessage}), so matching is one hash lookup on those bytes. Channels
 * and patterns are kept apart because the same name can be both: {@code a*b} subscribed
 * literally (from the escaped key {@code a\*b}) is not the pattern {@code a*b}. Writes are rare
 * and synchronized; reads happen per message on reader threads and take no lock. A reader
 * matches through its own {@link Lookup}, which skips even the lookup while messages keep
 * coming for the same subscription, as they do for a pattern.
 */
public final class SubscriptionRegistry {

	private final Map<String, Subscription> channels = new ConcurrentHashMap<>();

	private final Map<String, Subscription> patterns = new ConcurrentHashMap<>();

	/** Bumped after every change, so a {@link Lookup} knows its remembered match may be stale. */
	private volatile long version;

	/**
	 * Adds a handler ({@code null} for pull mode) to a channel. A {@link FilteredHandler} is
	 * unwrapped so that its filter runs before queueing.
	 * @return {@code true} if the channel is new and must be subscribed on the server
	 */
	public boolean add(NotificationChannel channel, KeyNotificationHandler handler) {
		if (handler == null) {
			return update(channel, Subscription::withPull);
		}
		if (handler instanceof FilteredHandler filtered) {
			return update(channel, (subscription) -> subscription.with(filtered.handler(), filtered.filter()));
		}
		return update(channel, (subscription) -> subscription.with(handler, null));
	}

	/**
	 * Adds a sink to a channel.
	 * @return {@code true} if the channel is new and must be subscribed on the server
	 */
	public boolean addSink(NotificationChannel channel, NotificationSink sink) {
		return update(channel, (subscription) -> subscription.with(sink));
	}

	private synchronized boolean update(NotificationChannel channel, UnaryOperator<Subscription> change) {
		Map<String, Subscription> map = mapOf(channel);
		String key = key(channel.toBytes());
		Subscription existing = map.get(key);
		map.put(key, change.apply((existing != null) ? existing : Subscription.empty(channel)));
		this.version++;
		return existing == null;
	}

	/**
	 * Removes a channel and all its handlers.
	 * @return {@code true} if it was subscribed
	 */
	public synchronized boolean remove(NotificationChannel channel) {
		boolean removed = mapOf(channel).remove(key(channel.toBytes())) != null;
		this.version++;
		return removed;
	}

	/**
	 * Removes one handler from a channel: the same handler object, or a {@link FilteredHandler}
	 * equal to the one added. The channel goes when neither a handler nor pull mode is left.
	 * @return {@code true} if the channel went and must be unsubscribed on the server
	 */
	public boolean remove(NotificationChannel channel, KeyNotificationHandler handler) {
		return reduce(channel, (subscription) -> (handler instanceof FilteredHandler filtered)
				? subscription.without(filtered.handler(), filtered.filter()) : subscription.without(handler, null));
	}

	/**
	 * Removes a sink from a channel; the channel goes when nothing else wants it.
	 * @return {@code true} if the channel went and must be unsubscribed on the server
	 */
	public boolean removeSink(NotificationChannel channel, NotificationSink sink) {
		return reduce(channel, (subscription) -> subscription.without(sink));
	}

	private synchronized boolean reduce(NotificationChannel channel, UnaryOperator<Subscription> change) {
		Map<String, Subscription> map = mapOf(channel);
		String key = key(channel.toBytes());
		Subscription existing = map.get(key);
		if (existing == null) {
			return false;
		}
		Subscription updated = change.apply(existing);
		boolean gone = updated.isEmpty();
		if (gone) {
			map.remove(key);
		}
		else {
			map.put(key, updated);
		}
		this.version++;
		return gone;
	}

	/**
	 * The subscription a message belongs to.
	 * @param pattern the pattern of a {@code pmessage}, or null for a {@code message}
	 * @param channel the channel the message was published on
	 * @return the subscription, or {@code null} if none (unsubscribed while the message was on its way)
	 */
	public Subscription match(byte[] pattern, byte[] channel) {
		return (pattern != null) ? this.patterns.get(key(pattern)) : this.channels.get(key(channel));
	}

	public List<NotificationChannel> channels() {
		return subscriptions().stream().map(Subscription::channel).toList();
	}

	/** Every channel with its handlers, e.g. to derive the server flags they need. */
	public List<Subscription> subscriptions() {
		List<Subscription> all = new ArrayList<>(this.channels.values());
		all.addAll(this.patterns.values());
		return all;
	}

	public boolean isEmpty() {
		return this.channels.isEmpty() && this.patterns.isEmpty();
	}

	public synchronized void clear() {
		this.channels.clear();
		this.patterns.clear();
		this.version++;
	}

	/** A lookup for one reader thread. */
	public Lookup newLookup() {
		return new Lookup();
	}

	private Map<String, Subscription> mapOf(NotificationChannel channel) {
		return channel.isPattern() ? this.patterns : this.channels;
	}

	// ISO-8859-1 maps each byte to one char: a lossless, cheap hash key for binary names.
	private static String key(byte[] bytes) {
		return new String(bytes, StandardCharsets.ISO_8859_1);
	}

	/**
	 * {@link #match} for one reader thread, remembering the last subscription found: a pattern
	 * subscription's messages all carry the same pattern, so most messages cost one byte
	 * comparison instead of a copy of the name and a hash lookup. Not thread-safe.
	 */
	public final class Lookup {

		private byte[] lastName;

		private boolean lastWasPattern;

		private Subscription last;

		private long lastVersion;

		private Lookup() {
		}

		/** @see SubscriptionRegistry#match */
		public Subscription match(byte[] pattern, byte[] channel) {
			long current = SubscriptionRegistry.this.version;
			byte[] name = (pattern != null) ? pattern : channel;
			if (this.last != null && current == this.lastVersion && (pattern != null) == this.lastWasPattern
					&& Arrays.equals(name, this.lastName)) {
				return this.last;
			}
			Subscription found = SubscriptionRegistry.this.match(pattern, channel);
			this.last = found;
			this.lastName = name;
			this.lastWasPattern = pattern != null;
			this.lastVersion = current;
			return found;
		}

	}

}
