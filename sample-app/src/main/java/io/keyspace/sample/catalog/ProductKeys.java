package io.keyspace.sample.catalog;

import java.util.regex.Pattern;

/**
 * How product ids map to Redis keys. Ids are restricted to characters that are not glob
 * syntax, so a key never has to be escaped in a channel name.
 */
public final class ProductKeys {

	/** Every product key starts with this. */
	public static final String PREFIX = "product:";

	private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

	private ProductKeys() {
	}

	public static String key(String id) {
		return PREFIX + id;
	}

	/** The product id of a key, or {@code null} if the key is not a product key. */
	public static String idOf(String key) {
		if (key == null || !key.startsWith(PREFIX)) {
			return null;
		}
		String id = key.substring(PREFIX.length());
		return isValidId(id) ? id : null;
	}

	public static boolean isValidId(String id) {
		return id != null && VALID_ID.matcher(id).matches();
	}

}
