package delivery

import "github.com/google/uuid"

func newTestID() string { return uuid.Must(uuid.NewV7()).String() }
