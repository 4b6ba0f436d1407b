"""Operations: metrics, backups (and their restore drill)."""
