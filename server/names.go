package server

import (
	"regexp"
	"strings"

	"github.com/google/uuid"
)

// Resource ids: client-chosen ids follow AIP-122 (lowercase letters, digits, hyphens,
// starting with a letter); generated ids are UUIDv7 strings, which grow with creation time
// so that listing by id lists by age.
var (
	chosenIDPattern  = regexp.MustCompile(`^[a-z][a-z0-9-]{0,62}$`)
	segmentIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)
)

// newID returns a fresh time-ordered id.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// chooseID validates a client-chosen id or generates one when empty.
func chooseID(f *fieldErrors, field, id string) string {
	if id == "" {
		return newID()
	}
	if !chosenIDPattern.MatchString(id) {
		f.add(field, "must be 1-63 lowercase letters, digits or hyphens, starting with a letter")
	}
	return id
}

// parseName splits a resource name against a pattern like "channels/*/templates/*" and
// returns the ids in place of the stars; ok is false when it does not match.
func parseName(name, pattern string) ([]string, bool) {
	parts := strings.Split(name, "/")
	pat := strings.Split(pattern, "/")
	if len(parts) != len(pat) {
		return nil, false
	}
	var ids []string
	for i, p := range pat {
		if p == "*" {
			if !segmentIDPattern.MatchString(parts[i]) {
				return nil, false
			}
			ids = append(ids, parts[i])
		} else if parts[i] != p {
			return nil, false
		}
	}
	return ids, true
}

func channelName(id string) string             { return "channels/" + id }
func templateName(channelID, id string) string { return "channels/" + channelID + "/templates/" + id }
func subscriptionName(channelID, id string) string {
	return "channels/" + channelID + "/subscriptions/" + id
}
func messageName(id string) string { return "messages/" + id }

// channelRef parses "channels/{channel}" into f.
func channelRef(f *fieldErrors, field, name string) string {
	ids, ok := parseName(name, "channels/*")
	if !ok {
		f.add(field, `must be a channel name "channels/{channel}"`)
		return ""
	}
	return ids[0]
}

// templateRef parses "channels/{channel}/templates/{template}".
func templateRef(f *fieldErrors, field, name string) (channelID, templateID string) {
	ids, ok := parseName(name, "channels/*/templates/*")
	if !ok {
		f.add(field, `must be a template name "channels/{channel}/templates/{template}"`)
		return "", ""
	}
	return ids[0], ids[1]
}

// subscriptionRef parses "channels/{channel}/subscriptions/{subscription}".
func subscriptionRef(f *fieldErrors, field, name string) (channelID, subscriptionID string) {
	ids, ok := parseName(name, "channels/*/subscriptions/*")
	if !ok {
		f.add(field, `must be a subscription name "channels/{channel}/subscriptions/{subscription}"`)
		return "", ""
	}
	return ids[0], ids[1]
}

// messageRef parses "messages/{message}".
func messageRef(f *fieldErrors, field, name string) string {
	ids, ok := parseName(name, "messages/*")
	if !ok {
		f.add(field, `must be a message name "messages/{message}"`)
		return ""
	}
	return ids[0]
}
