package io.keyspace.sample.stock;

/**
 * The keys of a product's stock: {@code stock:<id>} (units available), {@code hold:<id>:<holdId>}
 * (one reservation, expiring), and {@code holds:<id>} (a hash of the open holds and their
 * units, which outlives the hold keys so that an expired hold can still be released).
 * Product ids have no {@code :}, so a hold key splits unambiguously.
 */
final class StockKeys {

	/** Every hold key starts with this; the group handler listens to {@code hold:*}. */
	static final String HOLD_PREFIX = "hold:";

	private StockKeys() {
	}

	static String stock(String product) {
		return "stock:" + product;
	}

	static String holds(String product) {
		return "holds:" + product;
	}

	static String hold(String product, String holdId) {
		return HOLD_PREFIX + product + ":" + holdId;
	}

	/**
	 * The product and hold id of a hold key.
	 * @return {@code [product, holdId]}, or {@code null} if the key is not a hold key
	 */
	static String[] parseHold(String key) {
		if (key == null || !key.startsWith(HOLD_PREFIX)) {
			return null;
		}
		String rest = key.substring(HOLD_PREFIX.length());
		int colon = rest.indexOf(':');
		if (colon <= 0 || colon == rest.length() - 1) {
			return null;
		}
		return new String[] { rest.substring(0, colon), rest.substring(colon + 1) };
	}

}
