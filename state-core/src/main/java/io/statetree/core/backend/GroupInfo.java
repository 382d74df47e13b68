package io.statetree.core.backend;

import java.util.List;

/**
 * One group as a {@link ConsumerGroups} store knows it.
 * @param group the group's name
 * @param pattern the group's pattern
 * @param members the members holding a live claim or joined and alive
 * @param cursors each partition's acknowledged revision, by partition
 * @param deadLetters the number of dead letters
 */
public record GroupInfo(String group, String pattern, List<String> members, List<Long> cursors, int deadLetters) {
}
