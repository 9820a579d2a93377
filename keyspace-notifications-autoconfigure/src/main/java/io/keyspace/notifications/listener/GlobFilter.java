package io.keyspace.notifications.listener;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import io.keyspace.notifications.channel.RedisGlob;

/**
 * Matches a string against several Redis globs: literal values by one hash lookup, only the
 * real patterns one by one.
 */
public final class GlobFilter implements Predicate<String> {

	private final Set<String> literals = new HashSet<>();

	private final List<String> patterns = new ArrayList<>();

	public GlobFilter(Collection<String> globs) {
		for (String glob : globs) {
			if (RedisGlob.isPattern(glob)) {
				this.patterns.add(glob);
			}
			else {
				this.literals.add(unescape(glob));
			}
		}
	}

	@Override
	public boolean test(String value) {
		if (this.literals.contains(value)) {
			return true;
		}
		for (String pattern : this.patterns) {
			if (RedisGlob.matches(pattern, value)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public String toString() {
		List<String> all = new ArrayList<>(this.literals);
		all.addAll(this.patterns);
		return all.toString();
	}

	// A literal may still contain backslash escapes (e.g. "a\*b" means the key a*b).
	private static String unescape(String glob) {
		if (glob.indexOf('\\') < 0) {
			return glob;
		}
		StringBuilder literal = new StringBuilder(glob.length());
		for (int i = 0; i < glob.length(); i++) {
			char c = glob.charAt(i);
			if (c == '\\' && i + 1 < glob.length()) {
				c = glob.charAt(++i);
			}
			literal.append(c);
		}
		return literal.toString();
	}

}
