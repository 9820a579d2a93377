package io.keyspace.notifications;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.keyspace.notifications.channel.RedisGlob;

/**
 * Tests bytes against several Redis globs on the reader thread: the literal values by one hash
 * lookup on the bytes in place (no copy, no decoding), only the real patterns one by one.
 */
final class GlobSet {

	private final Set<ByteSlice> literals = new HashSet<>();

	private final List<byte[]> patterns = new ArrayList<>();

	GlobSet(Collection<String> globs) {
		for (String glob : globs) {
			if (RedisGlob.isPattern(glob)) {
				this.patterns.add(glob.getBytes(StandardCharsets.UTF_8));
			}
			else {
				byte[] literal = RedisGlob.unescape(glob).getBytes(StandardCharsets.UTF_8);
				this.literals.add(new ByteSlice(literal, 0, literal.length));
			}
		}
	}

	boolean matches(ByteSlice value) {
		if (!this.literals.isEmpty() && this.literals.contains(value)) {
			return true;
		}
		for (byte[] pattern : this.patterns) {
			if (RedisGlob.matches(pattern, value.source(), value.offset(), value.length())) {
				return true;
			}
		}
		return false;
	}

}
