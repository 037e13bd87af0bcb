"""visit sessions

Revision ID: 0001
Revises: 
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('visit_sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('token_hash')
    )
    with op.batch_alter_table('visit_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_sessions_last_seen_at'), ['last_seen_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('visit_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_sessions_last_seen_at'))

    op.drop_table('visit_sessions')
