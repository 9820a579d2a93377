package io.keyspace.notifications.internal.resync;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.keyspace.notifications.ChannelType.Part;
import io.keyspace.notifications.KeyNotificationFilter;
import io.keyspace.notifications.channel.NotificationChannel;
import io.keyspace.notifications.channel.RedisGlob;

/**
 * The keys one handler's channels are about, as stored (key prefix included): a channel's key
 * part, or for a channel without one (keyevent) the key globs of the handler's client-side
 * filter. Immutable.
 */
public final class ResyncScope {

	private final List<KeyGlob> globs;

	private ResyncScope(List<KeyGlob> globs) {
		this.globs = List.copyOf(globs);
	}

	/**
	 * @param filter the handler's client-side filter, or null
	 * @param keyPrefix prepended to the filter's keys (channel keys carry it already)
	 * @throws IllegalArgumentException if a channel names no key and the filter has no key glob
	 */
	public static ResyncScope of(Collection<NotificationChannel> channels, KeyNotificationFilter filter,
			byte[] keyPrefix) {
		Set<KeyGlob> globs = new LinkedHashSet<>();
		String prefix = RedisGlob.escape(new String(keyPrefix, StandardCharsets.UTF_8));
		for (NotificationChannel channel : channels) {
			String key = channel.part(Part.KEY);
			if (key != null) {
				globs.add(new KeyGlob(channel.db(), key));
				continue;
			}
			List<String> filterKeys = (filter != null) ? filter.keyGlobs() : List.of();
			if (filterKeys.isEmpty()) {
				throw new IllegalArgumentException("Channel " + channel + " names no key, so there is nothing to resync: "
						+ "resync needs a key or key pattern (for @OnKeyEvent, add key = \"...\"; in the core API, a "
						+ "FilteredHandler with KeyNotificationFilter.keys(...))");
			}
			filterKeys.forEach((glob) -> globs.add(new KeyGlob(channel.db(), prefix + glob)));
		}
		return new ResyncScope(new ArrayList<>(globs));
	}

	public List<KeyGlob> globs() {
		return this.globs;
	}

	/** Whether a key (as stored) matches one of the globs, in whichever database. */
	public boolean matches(byte[] key) {
		for (KeyGlob glob : this.globs) {
			if (RedisGlob.matches(glob.bytes(), key)) {
				return true;
			}
		}
		return false;
	}

	/** The index of the first glob a key matches in a database, or -1. */
	int firstMatch(int db, byte[] key) {
		for (int i = 0; i < this.globs.size(); i++) {
			KeyGlob glob = this.globs.get(i);
			if (glob.db() == db && RedisGlob.matches(glob.bytes(), key)) {
				return i;
			}
		}
		return -1;
	}

	@Override
	public String toString() {
		return this.globs.toString();
	}

	/**
	 * One key glob in one database, in Redis glob syntax with escapes.
	 *
	 * @param db the database
	 * @param glob the glob, key prefix included
	 */
	public record KeyGlob(int db, String glob) {

		/** Whether the glob is one key: read with {@code EXISTS} rather than a scan. */
		public boolean literal() {
			return !RedisGlob.isPattern(this.glob);
		}

		/** The glob's bytes, as {@code SCAN MATCH} takes them. */
		public byte[] bytes() {
			return this.glob.getBytes(StandardCharsets.UTF_8);
		}

		/** For a literal glob, the key it names. */
		public byte[] key() {
			return RedisGlob.unescape(this.glob).getBytes(StandardCharsets.UTF_8);
		}

		@Override
		public String toString() {
			return "db " + this.db + " " + this.glob;
		}

	}

}
