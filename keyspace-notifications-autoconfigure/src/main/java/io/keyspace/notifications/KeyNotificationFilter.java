package io.keyspace.notifications;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Which notifications of its channels a handler wants, for what a channel cannot say: a
 * keyspace channel names keys but not events, a keyevent channel events but not keys.
 * <p>
 * Subscribed with a handler ({@link KeyspaceNotifications#subscribe(KeyNotificationFilter,
 * KeyNotificationHandler, io.keyspace.notifications.channel.NotificationChannel...)} or a
 * {@link FilteredHandler}), the filter runs on the reader thread before anything is queued: a
 * notification the filter rejects never takes queue space or a handler thread, and one that no
 * handler wants is counted in {@link NotificationMetrics#filtered()}.
 * <p>
 * Keys and events are matched as Redis globs ({@code *}, {@code ?}, {@code [..]}, backslash
 * escapes; see {@link io.keyspace.notifications.channel.RedisGlob}) against their exact bytes,
 * keys without the key prefix. A notification passes when its key matches one of the key globs
 * (or there are none) and its event matches one of the event globs (or there are none). Globs
 * without a wildcard cost one hash lookup, however many there are.
 */
public final class KeyNotificationFilter {

	private final List<String> keyGlobs;

	private final List<String> eventGlobs;

	private final GlobSet keys;

	private final GlobSet events;

	private KeyNotificationFilter(Collection<String> keyGlobs, Collection<String> eventGlobs) {
		this.keyGlobs = checked(keyGlobs, "key");
		this.eventGlobs = checked(eventGlobs, "event");
		if (this.keyGlobs.isEmpty() && this.eventGlobs.isEmpty()) {
			throw new IllegalArgumentException("A filter needs at least one key or event glob");
		}
		this.keys = this.keyGlobs.isEmpty() ? null : new GlobSet(this.keyGlobs);
		this.events = this.eventGlobs.isEmpty() ? null : new GlobSet(this.eventGlobs);
	}

	/**
	 * Passes notifications whose key matches one of the globs.
	 * @param keyGlobs keys or key globs, without the key prefix
	 * @return the filter
	 */
	public static KeyNotificationFilter keys(String... keyGlobs) {
		return new KeyNotificationFilter(Arrays.asList(keyGlobs), List.of());
	}

	/**
	 * Passes notifications whose event matches one of the globs.
	 * @param eventGlobs events or event globs, e.g. {@link EventType#EXPIRED}
	 * @return the filter
	 */
	public static KeyNotificationFilter events(String... eventGlobs) {
		return new KeyNotificationFilter(List.of(), Arrays.asList(eventGlobs));
	}

	/**
	 * Passes notifications whose key matches one of the key globs and whose event matches one of
	 * the event globs; an empty collection accepts any key (or event).
	 * @param keyGlobs keys or key globs, without the key prefix
	 * @param eventGlobs events or event globs
	 * @return the filter
	 */
	public static KeyNotificationFilter of(Collection<String> keyGlobs, Collection<String> eventGlobs) {
		return new KeyNotificationFilter(keyGlobs, eventGlobs);
	}

	/**
	 * The key globs.
	 * @return the globs, empty when any key passes
	 */
	public List<String> keyGlobs() {
		return this.keyGlobs;
	}

	/**
	 * The event globs.
	 * @return the globs, empty when any event passes
	 */
	public List<String> eventGlobs() {
		return this.eventGlobs;
	}

	/**
	 * Whether a notification passes.
	 * @param notification the notification
	 * @return true if its key and its event match
	 */
	public boolean test(KeyNotification notification) {
		return (this.events == null || this.events.matches(notification.eventSlice()))
				&& (this.keys == null || this.keys.matches(notification.keySlice()));
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof KeyNotificationFilter that && this.keyGlobs.equals(that.keyGlobs)
				&& this.eventGlobs.equals(that.eventGlobs);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.keyGlobs, this.eventGlobs);
	}

	@Override
	public String toString() {
		return "KeyNotificationFilter[keys=" + this.keyGlobs + ", events=" + this.eventGlobs + "]";
	}

	private static List<String> checked(Collection<String> globs, String what) {
		List<String> copy = List.copyOf(Objects.requireNonNull(globs, what + " globs"));
		for (String glob : copy) {
			if (glob.isEmpty()) {
				throw new IllegalArgumentException("An empty " + what + " glob matches nothing");
			}
		}
		return copy;
	}

}
