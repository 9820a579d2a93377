package io.keyspace.notifications.archfixture.test;

import java.util.ArrayList;
import java.util.List;

import io.keyspace.notifications.archfixture.Value;

/** The user test helper: uses the API only. */
public final class Recorder {

	public final List<Value> seen = new ArrayList<>();

}
